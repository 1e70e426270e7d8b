"""An IVO permit captured by hand from the certificate is a register fact like an imported one; the
certificate is kept with its hash; it asks to be read again after the policy's interval and when
the holder's company data changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from placement.database.pool import Database
from placement.errors import NotFound
from placement.repositories.providers import permits_to_reverify
from suppliers.fetch import Fetched
from suppliers.formats import Feed, parse_feed
from suppliers.importer import apply_feed
from suppliers.permit_capture import capture
from suppliers.records import Permit

TODAY = dt.date(2026, 11, 20)
HOLDER = "5569000010"
CERTIFICATE = b"%PDF-1.4 tillstandsbevis (test)"


async def _import(conn: Any, feed: Feed, content: dict[str, Any]) -> None:
    data = json.dumps(content).encode()
    await apply_feed(conn, parse_feed(feed, data, name="x.json"), Fetched("test", data), today=TODAY)


def _permit(**more: Any) -> Permit:
    return Permit.model_validate(
        {
            "ivo_reference": "8.1-1234/2026",
            "operation_kind": "hvb_children",
            "age_min": 13,
            "age_max": 17,
            "sex": "female",
            "needs": ["psychosocial"],
            "places": 6,
            "manager_name": "Maria Föreståndare",
            "valid_from": "2026-10-01",
            "decided_on": "2026-09-20",
            "holder_orgnr": HOLDER,
            "conditions": ["Nattbemanning med vaken personal"],
            **more,
        }
    )


async def test_a_captured_permit_is_the_registers_fact_and_keeps_its_certificate(db: Database) -> None:
    async with db.pool.acquire() as conn:
        await _import(conn, Feed.COMPANIES, {"providers": [{"orgnr": HOLDER, "name": "Omsorg AB"}]})
        await _import(
            conn,
            Feed.IVO,
            {
                "units": [
                    {
                        "unit_code": "U-1",
                        "name": "HVB Tallen",
                        "kommunkod": "0180",
                        "operation_kind": "hvb_children",
                        "ownership": "private",
                        "provider_orgnr": HOLDER,
                    },
                    {
                        "unit_code": "U-2",
                        "name": "HVB Granen",
                        "kommunkod": "0180",
                        "operation_kind": "hvb_children",
                        "ownership": "private",
                        "provider_orgnr": HOLDER,
                    },
                ]
            },
        )
        done = await capture(
            conn,
            unit_code="U-1",
            permit=_permit(),
            document=CERTIFICATE,
            file_name="bevis.pdf",
            captured_by="cli:test",
            today=TODAY,
        )
        stored = await conn.fetchrow(
            "SELECT payload -> 'permit' AS permit FROM register_entity "
            "WHERE kind = 'unit' AND key = 'U-1' AND valid_to_snapshot IS NULL"
        )
        others = await conn.fetchval(
            "SELECT count(*) FROM register_entity WHERE kind = 'unit' AND valid_to_snapshot IS NULL"
        )
        document = await conn.fetchrow(
            "SELECT snapshot_id, sha256, content, media_type, reverify_on FROM permit_document"
        )
        due_now = await permits_to_reverify(conn, today=TODAY)
        due_later = await permits_to_reverify(conn, today=TODAY + dt.timedelta(days=180))
        await _import(
            conn,
            Feed.COMPANIES,
            {"providers": [{"orgnr": HOLDER, "name": "Omsorg AB", "status": "liquidation"}]},
        )
        due_after_company_change = await permits_to_reverify(conn, today=TODAY)
    permit = json.loads(stored["permit"]) if isinstance(stored["permit"], str) else stored["permit"]
    assert (permit["holder_orgnr"], permit["places"], permit["conditions"]) == (
        HOLDER,
        6,
        ["Nattbemanning med vaken personal"],
    )
    assert others == 2  # the rest of the register stays as it was
    assert [c.kind.value for c in done.result.changes] == ["permit_new"]
    assert document["snapshot_id"] == done.result.snapshot_id
    assert bytes(document["sha256"]) == hashlib.sha256(CERTIFICATE).digest()
    assert (bytes(document["content"]), document["media_type"]) == (CERTIFICATE, "application/pdf")
    assert document["reverify_on"] == TODAY + dt.timedelta(days=180)  # the policy default
    assert due_now == []
    assert [d["unit_code"] for d in due_later] == ["U-1"]
    assert [(d["unit_code"], d["company_changed"]) for d in due_after_company_change] == [("U-1", True)]


async def test_a_unit_not_in_the_register_is_refused(db: Database) -> None:
    async with db.pool.acquire() as conn:
        with pytest.raises(NotFound) as refused:
            await capture(
                conn,
                unit_code="U-404",
                permit=_permit(),
                document=CERTIFICATE,
                file_name="bevis.pdf",
                captured_by="cli:test",
                today=TODAY,
            )
        assert await conn.fetchval("SELECT count(*) FROM permit_document") == 0
    assert refused.value.detail == "Enheten U-404 finns inte i registret; läs in enheten först"
