"""Reading the provider register: what it said about a unit at a given time, and per-unit signals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, Field

from placement.database.pool import Connection
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


def _as_of(kind: str, key: str, at: str) -> str:
    """SQL for an entity's version as of a moment, given the SQL of its kind, key and moment."""
    return f"""
    SELECT e.payload, f.id AS snapshot_id, f.imported_at
      FROM register_entity e
      JOIN register_snapshot f ON f.id = e.valid_from_snapshot
      LEFT JOIN register_snapshot t ON t.id = e.valid_to_snapshot
     WHERE e.kind = {kind} AND e.key = {key}
       AND f.imported_at <= {at}
       AND (t.id IS NULL OR t.imported_at > {at})
"""


_AS_OF = _as_of("$1", "$2", "$3")


async def unit_as_of(conn: Connection, unit_code: str, at: dt.datetime) -> UnitAsOf | None:
    """What the register said about the unit at ``at`` (None: the unit was not in it then)."""
    row = await conn.fetchrow(_AS_OF, "unit", unit_code, at)
    if row is None:
        return None
    return UnitAsOf(row["snapshot_id"], row["imported_at"], Unit.model_validate(row["payload"]))


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
    counts = await conn.fetchrow("SELECT * FROM unit_signals($1, $2)", [unit_code], on)
    current = await conn.fetchrow(
        "SELECT payload FROM register_entity WHERE kind = 'unit' AND key = $1 AND valid_to_snapshot IS NULL",
        unit_code,
    )
    unit = Unit.model_validate(current["payload"]) if current else None
    assert counts is not None
    return UnitSignals(
        unit_code=unit_code,
        in_register=unit is not None,
        active_placements=counts["active_placements"],
        moves_12m=counts["moves_12m"],
        unplanned_endings_12m=counts["unplanned_endings_12m"],
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
    row = await conn.fetchrow(
        f"""
        WITH unit AS ({_as_of("'unit'", "$1", "$2")}),
             provider AS ({_as_of("'provider'", "(SELECT payload ->> 'provider_orgnr' FROM unit)", "$2")})
        SELECT unit.payload AS unit, unit.snapshot_id AS unit_snapshot, unit.imported_at AS unit_imported,
               provider.payload AS provider, provider.snapshot_id AS provider_snapshot,
               provider.imported_at AS provider_imported,
               (SELECT coalesce(jsonb_agg(i.payload ORDER BY i.key), '[]') FROM register_entity i
                 WHERE i.kind = 'intervention' AND i.valid_to_snapshot IS NULL
                   AND (i.payload ->> 'unit_code' = $1
                        OR i.payload ->> 'provider_orgnr' = (SELECT payload ->> 'provider_orgnr' FROM unit)))
                   AS interventions,
               s.active_placements, s.moves_12m, s.unplanned_endings_12m,
               (SELECT e.endings_12m FROM unit_endings_12m(ARRAY[$1], $3) e) AS endings_12m
          FROM unit_signals(ARRAY[$1], $3) s
          LEFT JOIN unit ON true
          LEFT JOIN provider ON true
        """,
        unit_code,
        at,
        on,
    )
    assert row is not None  # unit_signals gives one row per code asked for
    return UnitView(
        unit=UnitAsOf(row["unit_snapshot"], row["unit_imported"], Unit.model_validate(row["unit"]))
        if row["unit"] is not None
        else None,
        provider=ProviderAsOf(
            row["provider_snapshot"], row["provider_imported"], Provider.model_validate(row["provider"])
        )
        if row["provider"] is not None
        else None,
        interventions=tuple(Intervention.model_validate(i) for i in row["interventions"]),
        active_placements=row["active_placements"],
        moves_12m=row["moves_12m"],
        unplanned_endings_12m=row["unplanned_endings_12m"],
        endings_12m=row["endings_12m"],
    )
