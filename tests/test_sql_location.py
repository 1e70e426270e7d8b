"""Where SQL lives: in the repositories (placement/repositories/) and the migrations, and nowhere
else but the database infrastructure (placement/database/: migrator, roles, pool) and the synthetic
workloads (placement/bench/: the national dataset's loader, the benchmarks). A service or handler
that needs a query calls a repository (ARCHITECTURE.md, "Where SQL lives")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUR_PACKAGES = ("placement", "checks", "followup", "suppliers")
ALLOWED = (
    "placement/repositories/",
    "placement/database/",
    "placement/bench/",
)
# SQL that is not behind repositories yet, file by file: the web application's own queries
# (placement/web/, built beside this work and owned by its issue). Move them into
# placement/repositories/ and delete the entry; the last test fails on an entry that holds no SQL
# any more, so the list can only shrink.
NOT_YET_MOVED = frozenset(
    {
        "placement/web/queries.py",
        "placement/web/sessions.py",
        "placement/web/signin.py",
        "placement/web/signin_flow.py",
    }
)
# The statements a query starts with, as written in this code base (upper case keywords).
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b")


def sql_lines(text: str) -> list[int]:
    """The numbers of the lines that hold a SQL statement's keywords."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if SQL.search(line)]


def sql_outside_repositories() -> list[str]:
    found = []
    for package in OUR_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(ALLOWED) or relative in NOT_YET_MOVED:
                continue
            found += [f"{relative}:{n}" for n in sql_lines(path.read_text(encoding="utf-8"))]
    return found


def test_sql_is_only_in_repositories_migrations_and_infrastructure() -> None:
    """No module outside the repositories, the database infrastructure and the workloads holds SQL."""
    assert sql_outside_repositories() == []


def test_the_search_sees_the_statements_the_code_writes() -> None:
    """The pattern finds each kind of statement as the repositories write them, and not the words
    in prose, so the test above can fail."""
    statements = [
        "SELECT id FROM child WHERE municipality_id = $1",
        "INSERT INTO audit_event (actor) VALUES ($1)",
        "UPDATE register_snapshot SET change_count = $2",
        "DELETE FROM obligation_state o USING placement p",
        'f"""SELECT {_COLUMNS} FROM staff"""',
    ]
    prose = ["a select of one row", "Update the snapshot", "delete from the list", "SELECTED"]
    assert [bool(sql_lines(s)) for s in statements] == [True] * len(statements)
    assert [bool(sql_lines(s)) for s in prose] == [False] * len(prose)
    assert sql_lines(Path(ROOT / "placement/repositories/followup_scan.py").read_text(encoding="utf-8"))


def test_every_file_not_yet_moved_still_holds_sql() -> None:
    """An entry of NOT_YET_MOVED whose SQL has moved to a repository must leave the list."""
    moved = sorted(f for f in NOT_YET_MOVED if not sql_lines((ROOT / f).read_text(encoding="utf-8")))
    assert moved == []
