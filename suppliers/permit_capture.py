"""An IVO permit captured by hand from IVO's certificate (tillståndsbevis), issue #18.

IVO has no open data or API. Placement support reads the permit off the certificate: holder
(organisationsnummer), kind of operation, target group (ages, sex, needs), the most people cared
for at once, föreståndare, conditions, decision date. The capture becomes a register snapshot
like an imported one: the unit's current record with this permit, in a snapshot of the whole
register as it stands, so the usual change events and findings follow and check runs cite it.
The certificate is kept with its SHA-256 and the snapshot it became; it asks to be read again
after the policy's interval (``permit_capture_reverify_days``) and whenever the holder's company
data changes (:func:`placement.repositories.providers.permits_to_reverify`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
from dataclasses import dataclass

from placement.database.pool import Connection
from placement.errors import BadRequest, NotFound
from placement.repositories.providers import (
    current_units,
    latest_ivo_snapshot,
    permit_reverify_days,
    store_permit_document,
)
from suppliers.fetch import Fetched
from suppliers.formats import Feed, ParsedFeed
from suppliers.importer import ImportResult, apply_feed
from suppliers.records import Permit

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Captured:
    document_id: int
    sha256: str
    reverify_on: dt.date
    result: ImportResult


async def capture(
    conn: Connection,
    *,
    unit_code: str,
    permit: Permit,
    document: bytes,
    file_name: str,
    captured_by: str,
    today: dt.date,
) -> Captured:
    """Record the permit as the register's fact for the unit, and keep the certificate."""
    if not document:
        raise BadRequest("Tillståndsbeviset är tomt; bifoga dokumentet som tillståndet lästes av från")
    if len(document) > MAX_DOCUMENT_BYTES:
        raise BadRequest("Tillståndsbeviset är större än 20 MB")
    async with conn.transaction():
        units = {u.unit_code: u for u in await current_units(conn)}
        unit = units.get(unit_code)
        if unit is None:
            raise NotFound(f"Enheten {unit_code} finns inte i registret; läs in enheten först")
        if permit.operation_kind is not unit.operation_kind:
            raise BadRequest("Tillståndets verksamhetstyp är inte enhetens")
        units[unit_code] = unit.model_copy(update={"permit": permit})
        parsed = ParsedFeed(Feed.IVO, units=[units[code] for code in sorted(units)])
        digest = hashlib.sha256(document).hexdigest()
        content = json.dumps(
            {"captured": unit_code, "certificate_sha256": digest, "permit": permit.model_dump(mode="json")},
            sort_keys=True,
        ).encode()
        result = await apply_feed(conn, parsed, Fetched(f"tillståndsbevis:{unit_code}", content), today=today)
        snapshot_id = result.snapshot_id
        if snapshot_id is None:  # the same permit captured again: the register already says so
            snapshot_id = await latest_ivo_snapshot(conn)
        reverify_on = today + dt.timedelta(days=await permit_reverify_days(conn))
        document_id = await store_permit_document(
            conn,
            unit_code=unit_code,
            snapshot_id=snapshot_id,
            file_name=file_name,
            media_type=mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            sha256=bytes.fromhex(digest),
            content=document,
            captured_by=captured_by,
            reverify_on=reverify_on,
        )
    return Captured(document_id, digest, reverify_on, result)
