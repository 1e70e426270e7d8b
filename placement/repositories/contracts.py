"""A municipality's contracts with providers and their follow-ups. Not children's data."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Self

import asyncpg
from pydantic import BaseModel, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from placement import corrections
from placement.audit import Actor
from placement.database.pool import Connection
from placement.errors import NotFound, ValidationFailed
from placement.models import Input, LongText, Page, PageQuery, Text
from placement.pagination import decode_cursor, next_cursor
from placement.repositories import corrections as correcting
from placement.repositories import one
from suppliers.contracts import ContractKind, FollowUpResult, next_follow_up_due
from suppliers.records import Orgnr

UnitCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,60}$")]


class ContractIn(Input):
    provider_orgnr: Orgnr
    unit_codes: list[UnitCode] = Field(default_factory=list, description="The units the contract covers.")
    kind: ContractKind
    reference: Text | None = Field(default=None, description="The contract's own number or name.")
    valid_from: dt.date
    valid_to: dt.date | None = None
    daily_price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    price_terms: LongText | None = None
    follow_up_interval_months: int = Field(default=12, ge=1, le=60, description="Policy default: yearly.")

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise PydanticCustomError("date_order", "Avtalet kan inte upphöra före sitt startdatum")
        return self


class Contract(BaseModel):
    id: uuid.UUID
    provider_orgnr: str
    unit_codes: list[str]
    kind: ContractKind
    reference: str | None
    valid_from: dt.date
    valid_to: dt.date | None
    daily_price: Decimal | None
    price_terms: str | None
    follow_up_interval_months: int
    last_follow_up: dt.date | None
    next_follow_up_due: dt.date = Field(
        description="An interval after the last follow-up, or after the start."
    )
    created_at: dt.datetime


class ContractQuery(PageQuery):
    provider_orgnr: Orgnr | None = None
    active_on: dt.date | None = Field(default=None, description="Only contracts valid on this day.")


class FollowUpIn(Input):
    followed_up_on: dt.date
    by_staff: uuid.UUID
    result: FollowUpResult
    note: LongText | None = None


class FollowUp(BaseModel):
    id: uuid.UUID
    contract_id: uuid.UUID
    followed_up_on: dt.date
    by_staff: uuid.UUID
    result: FollowUpResult
    note: str | None


class FollowUpList(BaseModel):
    items: list[FollowUp]


_CONTRACT = """c.id, c.provider_orgnr, c.unit_codes, c.kind, c.reference, c.valid_from, c.valid_to,
    c.daily_price, c.price_terms, c.follow_up_interval_months, c.created_at,
    (SELECT max(f.followed_up_on) FROM contract_follow_up f
      WHERE f.municipality_id = c.municipality_id AND f.contract_id = c.id) AS last_follow_up"""


def _contract(row: asyncpg.Record) -> Contract:
    values = dict(row)
    values["next_follow_up_due"] = next_follow_up_due(
        values["valid_from"], values["last_follow_up"], values["follow_up_interval_months"]
    )
    return Contract.model_validate(values)


class ContractRepository:
    def __init__(self, conn: Connection, *, municipality_id: uuid.UUID) -> None:
        self.conn = conn
        self.municipality_id = municipality_id

    async def create(self, *, contract: ContractIn) -> Contract:
        contract_id = await self.conn.fetchval(
            """
            INSERT INTO contract (municipality_id, provider_orgnr, unit_codes, kind, reference, valid_from,
                                  valid_to, daily_price, price_terms, follow_up_interval_months)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
            """,
            self.municipality_id,
            contract.provider_orgnr,
            contract.unit_codes,
            contract.kind,
            contract.reference,
            contract.valid_from,
            contract.valid_to,
            contract.daily_price,
            contract.price_terms,
            contract.follow_up_interval_months,
        )
        return await self.get(contract_id=contract_id)

    async def get(self, *, contract_id: uuid.UUID) -> Contract:
        row = await self.conn.fetchrow(
            f"SELECT {_CONTRACT} FROM contract c WHERE c.municipality_id = $1 AND c.id = $2",  # noqa: S608 - a module constant column list
            self.municipality_id,
            contract_id,
        )
        if row is None:
            raise NotFound("Avtalet finns inte")
        return _contract(row)

    async def correct(
        self, *, contract_id: uuid.UUID, patch: BaseModel, if_match: str | None, actor: Actor
    ) -> Contract:
        """The contract corrected in place; If-Match must name the current ETag; the changed fields
        before and after go in the history. Its next follow-up is computed from the corrected terms."""
        row = await correcting.lock(self.conn, "contract", self.municipality_id, contract_id)
        if row is None:
            raise NotFound("Avtalet finns inte")
        current = await self.get(contract_id=contract_id)
        corrections.require_current(if_match, current)
        stored = {k: row[k] for k in ContractIn.model_fields}
        corrected = corrections.merged(ContractIn, stored, patch).model_dump()
        changed = corrections.changes(stored, corrected)
        await correcting.update(self.conn, "contract", self.municipality_id, contract_id, changed)
        await corrections.record(
            self.conn, actor, object_type="contract", object_id=contract_id, child_id=None, changed=changed
        )
        return await self.get(contract_id=contract_id)

    async def list_page(self, *, query: ContractQuery) -> Page[Contract]:
        after = decode_cursor(query.cursor) if query.cursor else None
        rows = await self.conn.fetch(
            f"""
            SELECT {_CONTRACT} FROM contract c
             WHERE c.municipality_id = $1
               AND ($2::text IS NULL OR c.provider_orgnr = $2)
               AND ($3::date IS NULL OR (c.valid_from <= $3 AND (c.valid_to IS NULL OR c.valid_to >= $3)))
               AND ($4::timestamptz IS NULL OR (c.created_at, c.id) > ($4, $5::uuid))
             ORDER BY c.created_at, c.id
             LIMIT $6
            """,  # noqa: S608 - a module constant column list
            self.municipality_id,
            query.provider_orgnr,
            query.active_on,
            after[0] if after else None,
            after[1] if after else None,
            query.limit + 1,
        )
        items = [_contract(r) for r in rows[: query.limit]]
        return Page[Contract](items=items, next_cursor=next_cursor(rows, query.limit))

    async def add_follow_up(self, *, contract_id: uuid.UUID, follow_up: FollowUpIn) -> FollowUp:
        contract = await self.get(contract_id=contract_id)
        if follow_up.followed_up_on < contract.valid_from:
            message = "Uppföljningen ligger före avtalets startdatum"
            raise ValidationFailed.on("body.followed_up_on", message, "date_order")
        try:
            row = await self.conn.fetchrow(
                """
                INSERT INTO contract_follow_up
                    (municipality_id, contract_id, followed_up_on, by_staff, result, note)
                VALUES ($1, $2, $3, $4, $5, $6)
                RETURNING id, contract_id, followed_up_on, by_staff, result, note
                """,
                self.municipality_id,
                contract_id,
                follow_up.followed_up_on,
                follow_up.by_staff,
                follow_up.result,
                follow_up.note,
            )
        except asyncpg.ForeignKeyViolationError as error:
            message = "Medarbetaren finns inte i kommunen"
            raise ValidationFailed.on("body.by_staff", message, "unknown_staff") from error
        return FollowUp.model_validate(one(row))

    async def follow_ups(self, *, contract_id: uuid.UUID) -> list[FollowUp]:
        await self.get(contract_id=contract_id)
        rows = await self.conn.fetch(
            """SELECT id, contract_id, followed_up_on, by_staff, result, note FROM contract_follow_up
                WHERE municipality_id = $1 AND contract_id = $2 ORDER BY followed_up_on, created_at""",
            self.municipality_id,
            contract_id,
        )
        return [FollowUp.model_validate(dict(r)) for r in rows]
