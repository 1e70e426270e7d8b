"""Personnummer: every usual written form in, twelve digits out; a wrong one says why."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic_core import PydanticCustomError
from stdnum.se import personnummer

from placement.bench.demo import synthetic_personnummer
from placement.core.identifiers import birth_date_of, normalise_personnummer, sex_of
from placement.core.vocabulary import Sex


@pytest.mark.parametrize(
    "written", ["20150312-9809", "150312-9809", "201503129809", "1503129809", " 150312 9809"]
)
def test_written_forms_normalise(written: str) -> None:
    assert normalise_personnummer(written) == "201503129809"


def test_plus_means_a_hundred_or_older() -> None:
    assert normalise_personnummer("150312+9809") == "191503129809"


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("20150312-9808", "kontrollsiffran stämmer inte"),
        ("15031298", "fel antal siffror (10 eller 12)"),
        ("20151312-9809", "födelsedatumet finns inte"),
        ("2015O312-9809", "får bara innehålla siffror och ett bindestreck eller plustecken"),
    ],
)
def test_invalid_says_why(written: str, reason: str) -> None:
    with pytest.raises(PydanticCustomError) as raised:
        normalise_personnummer(written)
    assert str(raised.value) == f"Ogiltigt personnummer: {reason}"


def test_birth_date_and_sex() -> None:
    assert birth_date_of("201503129809") == dt.date(2015, 3, 12)
    assert sex_of("201503129809") is Sex.FEMALE
    assert sex_of(synthetic_personnummer(dt.date(2010, 1, 2), 981, female=False)) is Sex.MALE


@pytest.mark.parametrize("female", [True, False])
def test_synthetic_personnummer_is_valid_and_in_the_test_series(female: bool) -> None:
    for serial in range(980, 1000):
        number = synthetic_personnummer(dt.date(2012, 2, 29), serial, female=female)
        assert personnummer.is_valid(number)
        assert 980 <= int(number[8:11]) <= 999
        assert sex_of(number) is (Sex.FEMALE if female else Sex.MALE)


def test_synthetic_personnummer_refuses_real_series() -> None:
    with pytest.raises(ValueError, match="980-999"):
        synthetic_personnummer(dt.date(2012, 1, 1), 123, female=True)
