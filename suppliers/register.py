"""Reading the provider register: what it said about a unit at a given time, and per-unit signals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, Field

from placement.database.pool import Connection
from placement.repositories import register as repository
from suppliers.records import Intervention, Provider, Unit


@dataclass(frozen=True)
class AsOf:
    """A register record as of a moment, citing the snapshot it came from."""

    snapshot_id: int
    imported_at: dt.datetime


@dataclass(frozen=True)
class UnitAsOf(AsOf):
    unit: Unit


@dataclass(frozen=True)
class ProviderAsOf(AsOf):
    provider: Provider


async def unit_as_of(conn: Connection, unit_code: str, at: dt.datetime) -> UnitAsOf | None:
    """What the register said about the unit at ``at`` (None: the unit was not in it then)."""
    found = await repository.entity_as_of(conn, kind="unit", key=unit_code, at=at)
    if found is None:
        return None
    return UnitAsOf(found.snapshot_id, found.imported_at, Unit.model_validate(found.payload))


class UnitSignals(BaseModel):
    """Counts over every municipality; no municipality is named and no child is."""

    unit_code: str
    in_register: bool = Field(description="Whether the register holds the unit now.")
    active_placements: int
    moves_12m: int
    unplanned_endings_12m: int
    reported_occupancy: int | None
    occupancy_reported_on: dt.date | None
    places: int | None


async def unit_signals(conn: Connection, unit_code: str, on: dt.date) -> UnitSignals:
    counts = await repository.signal_counts(conn, unit_code=unit_code, on=on)
    current = await repository.current_payload(conn, kind="unit", key=unit_code)
    unit = Unit.model_validate(current) if current else None
    return UnitSignals(
        unit_code=unit_code,
        in_register=unit is not None,
        active_placements=counts.active_placements,
        moves_12m=counts.moves_12m,
        unplanned_endings_12m=counts.unplanned_endings_12m,
        reported_occupancy=unit.reported_occupancy if unit else None,
        occupancy_reported_on=unit.occupancy_reported_on if unit else None,
        places=unit.permit.places if unit and unit.permit else None,
    )


@dataclass(frozen=True)
class UnitView:
    """Everything the register tells about a unit for a check, read in one query: the unit and its
    provider as of a moment, the interventions in force against either, and the counts across
    municipalities."""

    unit: UnitAsOf | None
    provider: ProviderAsOf | None
    interventions: tuple[Intervention, ...]
    active_placements: int
    moves_12m: int
    unplanned_endings_12m: int
    endings_12m: int = 0


async def unit_view(conn: Connection, unit_code: str, at: dt.datetime, on: dt.date) -> UnitView:
    row = await repository.unit_view(conn, unit_code=unit_code, at=at, on=on)
    return UnitView(
        unit=UnitAsOf(row.unit.snapshot_id, row.unit.imported_at, Unit.model_validate(row.unit.payload))
        if row.unit is not None
        else None,
        provider=ProviderAsOf(
            row.provider.snapshot_id, row.provider.imported_at, Provider.model_validate(row.provider.payload)
        )
        if row.provider is not None
        else None,
        interventions=tuple(Intervention.model_validate(i) for i in row.interventions),
        active_placements=row.counts.active_placements,
        moves_12m=row.counts.moves_12m,
        unplanned_endings_12m=row.counts.unplanned_endings_12m,
        endings_12m=row.endings_12m,
    )
