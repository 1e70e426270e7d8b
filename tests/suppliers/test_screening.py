"""Screening names and identifiers (pure): what matches, how strongly, and what does not."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from placement.core.names import normalise
from suppliers.screening import (
    NAME_THRESHOLD,
    Person,
    naive_screen,
    organisation_words,
    screen_organisations,
    screen_people,
)

BORN = dt.date(1980, 1, 2)


def test_identifier_match_is_certain_whatever_the_names() -> None:
    [match] = screen_people(
        [Person("s", "Erik Svensson", personnummer="198001029876")],
        [Person("o", "E. Okänd", personnummer="198001029876")],
    )
    assert (match.score, match.basis) == (100, "personnummer")


@pytest.mark.parametrize(
    ("staff", "officer"),
    [
        ("Åsa Björk", "Asa Bjork"),
        ("Åsa Björk", "Aasa Bjoerk"),
        ("Åsa Björk", "Björk Åsa"),
        ("Åsa Björk-Lind", "Lind Åsa Björk"),
        ("Anna Karlsson", "Anna Maria Karlsson"),
        ("Märta Wallin", "Marta Vallin"),
    ],
)
def test_name_matches_despite_spelling_order_and_middle_names(staff: str, officer: str) -> None:
    [match] = screen_people([Person("s", staff, BORN)], [Person("o", officer, BORN)])
    assert match.basis == "name"
    assert match.score == 100


def test_birth_dates_move_the_score() -> None:
    same = screen_people([Person("s", "Åsa Björk", BORN)], [Person("o", "Åsa Björkman", BORN)])
    unknown = screen_people([Person("s", "Åsa Björk")], [Person("o", "Åsa Björkman")])
    other = screen_people([Person("s", "Åsa Björk", BORN)], [Person("o", "Åsa Björk", dt.date(1990, 5, 5))])
    assert same
    assert unknown
    assert same[0].score > unknown[0].score >= NAME_THRESHOLD
    assert other == []


def test_different_people_do_not_match() -> None:
    assert screen_people([Person("s", "Erik Svensson", BORN)], [Person("o", "Karin Lindqvist", BORN)]) == []
    assert screen_people([Person("s", "Björn Lind", BORN)], [Person("o", "Björn Karlsson", BORN)]) == []


def test_a_shared_company_word_alone_is_no_match() -> None:
    assert organisation_words("Omsorg AB") == ""
    assert screen_organisations([("d", "Omsorg AB")], [("p", "Trappan Omsorg AB")]) == []
    [match] = screen_organisations([("d", "Solgläntan Omsorg AB")], [("p", "Solgläntans Vård Aktiebolag")])
    assert match.right == "p"


def test_normalise() -> None:
    assert normalise("  Åsa  BJÖRK-Lind ") == "asa bjork lind"


def test_blocking_finds_what_the_pairwise_loop_finds() -> None:
    """On names like real ones, the blocked screening loses nothing the naive loop would find."""
    rng = random.Random(3)
    first = ["Anna", "Åsa", "Erik", "Björn", "Märta", "Karl", "Eva", "Olof"]
    last = ["Karlsson", "Björk", "Lind", "Söderberg", "Wallin", "Nyström", "Berg", "Holm"]

    def person(key: str) -> Person:
        name = f"{rng.choice(first)} {rng.choice(last)}"
        if rng.random() < 0.3:
            name = f"{rng.choice(last)} {name}"
        return Person(key, name, rng.choice([None, BORN, dt.date(1970, 3, 3)]))

    left = [person(f"s{i}") for i in range(150)]
    right = [person(f"o{i}") for i in range(150)]
    assert {(m.left, m.right, m.score) for m in screen_people(left, right)} == {
        (m.left, m.right, m.score) for m in naive_screen(left, right)
    }
