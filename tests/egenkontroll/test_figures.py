"""Every egenkontroll figure against the small municipality of small_municipality.py, counted by
hand from its table: (met, counted) overall, per sex and per group."""

from __future__ import annotations

import pytest

from checks.egenkontroll import Figures
from checks.egenkontroll._indicator import Dimension
from placement import egenkontroll, rule_catalogue
from placement.core.vocabulary import Sex
from placement.database.pool import Database
from placement.errors import NotFound, ValidationFailed
from tests.egenkontroll.small_municipality import END, START, D, Small, arrange

rule_catalogue.load()

F, M = Sex.FEMALE, Sex.MALE


@pytest.fixture
async def small(db: Database) -> Small:
    return await arrange(db)


async def figures_of(database: Database, small: Small, code: str) -> Figures:
    async with database.transaction(small.municipality_id) as conn:
        return await egenkontroll.figures(conn, small.municipality_id, code, START, END)


def overall(figures: Figures) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(met, counted) in total, for girls and for boys."""
    row = figures.overall
    return (
        (row.total.met, row.total.total),
        (row.by_sex[F].met, row.by_sex[F].total),
        (row.by_sex[M].met, row.by_sex[M].total),
    )


def by(figures: Figures, dimension: Dimension) -> dict[str, tuple[int, int]]:
    return {row.group: (row.total.met, row.total.total) for row in figures.breakdowns[dimension]}


async def test_ek02_reviews(database: Database, small: Small) -> None:
    """Alva (övervägande in September) and Cleo (LVU 3 §, omprövning in July) are on time; Bruno's
    last standing övervägande is from November 2025 (April's was retracted) and he was measured
    the day he left, 2026-06-30; Dino and Frej were not placed six months."""
    found = await figures_of(database, small, "EK02")
    assert overall(found) == ((2, 3), (2, 2), (0, 1))
    assert by(found, Dimension.HANDLAGGARE) == {"Bo": (1, 1), "Cia": (1, 2)}
    assert by(found, Dimension.UNIT) == {"Familjen Ek": (1, 1), "HVB Björken": (1, 2)}
    assert by(found, Dimension.PROVIDER) == {"Kommunens familjehem": (1, 1), "Vård AB": (1, 2)}
    assert list(found.findings) == [small.placements["Bruno"]]


async def test_ek03_visits(database: Database, small: Small) -> None:
    """Alva: four visits, a private talk in November. Cleo: placed ten months, four visits needed
    and made, a private talk in October. Bruno: one visit in the twelve months before he left."""
    found = await figures_of(database, small, "EK03")
    assert overall(found) == ((2, 3), (2, 2), (0, 1))
    assert "1 besök av 4" in found.findings[small.placements["Bruno"]].detail


async def test_ek04_social_workers(database: Database, small: Small) -> None:
    """Bruno had Anna, Bo and Cia in the twelve months before 2026-06-30; every other child one or
    two. Ella's placement ended before the period and is not counted."""
    found = await figures_of(database, small, "EK04")
    assert overall(found) == ((4, 5), (2, 2), (2, 3))
    assert by(found, Dimension.HANDLAGGARE) == {"Anna": (1, 1), "Bo": (2, 2), "Cia": (1, 2)}
    assert "3 olika socialsekreterare" in found.findings[small.placements["Bruno"]].detail


async def test_ek05_information(database: Database, small: Small) -> None:
    """Bruno was told nothing; Cleo got contact details but not the grounds."""
    found = await figures_of(database, small, "EK05")
    assert overall(found) == ((3, 5), (1, 2), (2, 3))
    assert found.findings[small.placements["Cleo"]].detail == "Saknas: skälen för placeringen"


async def test_ek06_endings(database: Database, small: Small) -> None:
    """Two endings in 2026: Bruno unplanned (Vård AB), Frej planned (a jourhem). Ella ended in
    2025; the other municipality's unplanned ending at the same unit is not ours."""
    found = await figures_of(database, small, "EK06")
    assert overall(found) == ((1, 2), (0, 0), (1, 2))
    assert by(found, Dimension.PROVIDER) == {"Kommunens familjehem": (1, 1), "Vård AB": (0, 1)}
    assert found.findings[small.placements["Bruno"]].detail == "Oplanerat avbrott: Rymningar"


async def test_ek07_complaints(database: Database, small: Small) -> None:
    """K1 answered in 19 days; K2 never answered; K3 received 2026-12-20 is still within 30 days."""
    found = await figures_of(database, small, "EK07")
    assert overall(found) == ((1, 2), (1, 1), (0, 1))


async def test_ek09_purchases(database: Database, small: Small) -> None:
    """Alva and Bruno at Vård AB's unit under the contract followed up 2026-02-01; Dino at Omsorg
    AB's unit without a contract; foster homes are not purchases."""
    found = await figures_of(database, small, "EK09")
    assert overall(found) == ((2, 3), (1, 1), (1, 2))
    assert by(found, Dimension.PROVIDER) == {"Omsorg AB": (0, 1), "Vård AB": (2, 2)}
    assert found.findings[small.placements["Dino"]].detail == "Köpt utan avtal"


async def test_ek10_declarations(database: Database, small: Small) -> None:
    """Anna declared in May; Bo's is from October 2025; Cia has an open flag; Ulf never declared;
    Greta (granskare) need not declare."""
    found = await figures_of(database, small, "EK10")
    assert (found.overall.total.met, found.overall.total.total) == (1, 4)
    assert by(found, Dimension.UNIT) == {"Barn och unga": (1, 3), "Upphandling": (0, 1)}
    assert found.findings[small.staff["Cia"]].detail == "1 öppna jävsflaggor"


async def test_the_other_municipality_sees_only_its_own(database: Database, small: Small) -> None:
    async with database.transaction(small.other_id) as conn:
        found = await egenkontroll.figures(conn, small.other_id, "EK06", START, END)
    assert overall(found) == ((0, 1), (0, 0), (0, 1))


async def test_an_unknown_code_and_a_reversed_period_are_refused(database: Database, small: Small) -> None:
    async with database.transaction(small.municipality_id) as conn:
        with pytest.raises(NotFound, match="EK99"):
            await egenkontroll.figures(conn, small.municipality_id, "EK99", START, END)
        with pytest.raises(ValidationFailed, match="före"):
            await egenkontroll.figures(conn, small.municipality_id, "EK02", END, START)


async def test_ek11_enforcement(database: Database, small: Small) -> None:
    """2026: Frej's decision enforced in nine days; Dino's after four months; Gus's not at all.
    Alva was placed in 2025 and is not this year's. Only boys."""
    found = await figures_of(database, small, "EK11")
    assert overall(found) == ((1, 3), (0, 0), (1, 3))
    assert by(found, Dimension.HANDLAGGARE) == {"Anna": (1, 1), "Bo": (0, 2)}
    details = sorted(f.detail for f in found.findings.values())
    assert details == [
        "Ej verkställt; tre månader gick ut 2026-12-01",
        "Verkställt 2026-10-01; tre månader gick ut 2026-08-20",
    ]


async def test_ek11_the_fourth_quarter(database: Database, small: Small) -> None:
    """October–December 2026: Dino (placed 2026-10-01) and Gus; Frej's was enforced long before."""
    async with database.transaction(small.municipality_id) as conn:
        found = await egenkontroll.figures(conn, small.municipality_id, "EK11", D(2026, 10, 1), END)
    assert overall(found) == ((0, 2), (0, 0), (0, 2))
