"""Benchmark: conflict screening of 20,000 staff against 20,000 provider officers.

    python -m placement.bench.screening [--staff 20000] [--officers 20000]

Prints the blocked, vectorised screening's time and the naive pairwise loop's, measured on a
subsample in the same run and extrapolated, and their ratio. Asserts nothing about time. Targets on
a 2-core machine: under 5 seconds, and at least 50 times faster than the naive loop.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from placement.database.pool import Connection
from suppliers.screening import Person, naive_screen, screen_people

FIRST = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Kristina",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Nils",
    "Mikael",
    "Hans",
    "Jan",
    "Peter",
    "Olof",
    "Åsa",
    "Björn",
    "Göran",
    "Ulf",
    "Ingrid",
    "Märta",
    "Sven",
    "Tove",
    "Oskar",
    "Elsa",
    "Hugo",
    "Alva",
    "Leila",
    "Ahmed",
    "Fatima",
    "Mohammed",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundin",
    "Håkansson",
    "Björk",
    "Bergman",
    "Gunnarsson",
    "Holm",
    "Wikström",
    "Samuelsson",
    "Isaksson",
    "Fransson",
    "Bergqvist",
    "Nyström",
    "Holmberg",
    "Arvidsson",
    "Löfgren",
    "Söderberg",
    "Nyberg",
    "Blomqvist",
    "Claesson",
    "Nordström",
    "Ali",
    "Hassan",
    "Mohamed",
    "Yilmaz",
]


def people(count: int, prefix: str, rng: random.Random) -> list[Person]:
    out = []
    for n in range(count):
        if rng.random() < 0.2:
            name = f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}-{rng.choice(LAST)}"
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000)) if rng.random() < 0.8 else None
        out.append(Person(f"{prefix}{n}", name, born))
    return out


async def people_in_database(
    conn: Connection, staff_count: int, officer_count: int
) -> tuple[list[Person], list[Person]]:
    """Staff of every municipality and officers of the company register, as the screening sees
    them (read by a superuser, across municipalities; the synthetic marker left out of names)."""
    staff = [
        Person(str(r["id"]), _unmarked(r["name"]), r["birth_date"])
        for r in await conn.fetch("SELECT id, name, birth_date FROM staff ORDER BY id LIMIT $1", staff_count)
    ]
    officers = [
        Person(f"{r['orgnr']}:{r['n']}", _unmarked(r["name"]), r["birth_date"])
        for r in await conn.fetch(
            """SELECT e.key AS orgnr, o.n, o.officer ->> 'name' AS name,
                      (o.officer ->> 'birth_date')::date AS birth_date
                 FROM register_entity e,
                      jsonb_array_elements(e.payload -> 'officers') WITH ORDINALITY AS o (officer, n)
                WHERE e.kind = 'provider' AND e.valid_to_snapshot IS NULL
                ORDER BY e.key, o.n LIMIT $1""",
            officer_count,
        )
    ]
    return staff, officers


def _unmarked(name: str) -> str:
    return name.replace("(syntetisk)", "").strip()


def run(staff_count: int, officer_count: int, sample_size: int) -> dict[str, float]:
    """On generated people of its own."""
    rng = random.Random(2026)
    return measure(people(staff_count, "s", rng), people(officer_count, "o", rng), sample_size)


def measure(staff: list[Person], officers: list[Person], sample_size: int) -> dict[str, float]:
    """Screening of ``staff`` against ``officers``, and the naive pairwise loop on a sample of the
    staff against a tenth of the officers, extrapolated to the whole."""
    staff_count, officer_count = len(staff), len(officers)
    started = time.perf_counter()
    found = screen_people(staff, officers)
    blocked_s = time.perf_counter() - started

    sample = staff[:sample_size]
    started = time.perf_counter()
    naive_screen(sample, officers[: officer_count // 10])
    naive_sample_s = time.perf_counter() - started
    naive_s = naive_sample_s * (staff_count / len(sample)) * 10

    print(f"Screening benchmark: {staff_count} staff against {officer_count} officers")
    print(f"  blocked and vectorised          {blocked_s:8.2f} s   (target < 5 s), {len(found)} matches")
    print(
        f"  naive pairwise loop (estimated) {naive_s:8.0f} s   ({len(sample)} x {officer_count // 10} "
        f"measured: {naive_sample_s:.2f} s)"
    )
    print(f"  ratio                           {naive_s / blocked_s:8.0f} x (target >= 50 x)")
    return {
        "staff": staff_count,
        "officers": officer_count,
        "blocked_s": blocked_s,
        "naive_estimated_s": naive_s,
        "ratio": naive_s / blocked_s,
        "matches": len(found),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--staff", type=int, default=20_000)
    parser.add_argument("--officers", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=200, help="staff in the naive loop's subsample")
    args = parser.parse_args()
    run(args.staff, args.officers, args.sample)


if __name__ == "__main__":
    main()
