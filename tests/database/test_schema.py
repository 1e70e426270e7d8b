"""The schema agrees with the code: vocabularies match CHECK constraints; tenant keys lead every key."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from placement.core.concern_vocabulary import ReporterKind, ReportKind
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm, Sex, StaffRole
from placement.database.pool import Database

TENANT_TABLES = [
    "staff",
    "child",
    "placement",
    "decision",
    "social_worker_assignment",
    "audit_event",
    "api_token",
    "idempotency_key",
    "register_finding",
    "contract",
    "contract_follow_up",
    "declaration",
    "declared_interest",
    "screening_match",
    "municipality_policy",
    "placement_event",
    "obligation_waiver",
    "obligation_state",
    "followup_review",
    "foster_home",
    "delegation_rule",
    "placement_check",
    "check_resolution",
    "foster_parent",
    "web_session",
    "file_review_sample",
    "file_review",
    "correction",
    "reminder_preference",
    "reminder_sent",
    "concern_report",
    "concern_step",
    "case_system_ref",
]


@pytest.mark.parametrize(
    ("table", "column", "vocabulary"),
    [
        ("child", "sex", Sex),
        ("placement", "form", PlacementForm),
        ("placement", "legal_basis", LegalBasis),
        ("placement", "end_reason", EndReason),
        ("decision", "kind", DecisionKind),
        ("staff", "roles", StaffRole),
        ("concern_report", "kind", ReportKind),
        ("concern_report", "reporter_kind", ReporterKind),
    ],
)
async def test_vocabulary_matches_check_constraint(
    database: Database, table: str, column: str, vocabulary: type[StrEnum]
) -> None:
    async with database.transaction() as conn:
        definitions = await conn.fetch(
            """
            SELECT pg_get_constraintdef(c.oid) AS def
              FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
             WHERE t.relname = $1 AND c.contype = 'c'
            """,
            table,
        )
    constraint = next(
        d["def"] for d in definitions if "ARRAY[" in d["def"] and re.search(rf"\b{column}\b", d["def"])
    )
    allowed = set(re.findall(r"'([a-z_0-9]+)'::text", constraint))
    assert allowed == {member.value for member in vocabulary}


async def test_tenant_tables_are_all_listed(database: Database) -> None:
    """Every table with a municipality_id column is in TENANT_TABLES, so the key test covers it."""
    async with database.transaction() as conn:
        tables = await conn.fetch(
            """SELECT DISTINCT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                  AND a.attname = 'municipality_id'"""
        )
    assert {t["relname"] for t in tables} == set(TENANT_TABLES)


@pytest.mark.parametrize("table", TENANT_TABLES)
async def test_tenant_id_leads_primary_and_foreign_keys(database: Database, table: str) -> None:
    """Every primary, unique and foreign key of a tenant table starts with municipality_id, so no
    row can point to another municipality's row (keys to national tables excepted)."""
    async with database.transaction() as conn:
        keys = await conn.fetch(
            """
            SELECT c.contype, (SELECT attname FROM pg_attribute
                                WHERE attrelid = c.conrelid AND attnum = c.conkey[1]) AS first_column
              FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
              LEFT JOIN pg_class r ON r.oid = c.confrelid
             WHERE t.relname = $1 AND c.contype IN ('p', 'f', 'u')
               AND (c.contype <> 'f' OR r.relname = ANY ($2::text[]) OR r.relname = 'municipality')
            """,
            table,
            TENANT_TABLES,
        )
    assert keys, table
    assert {k["first_column"] for k in keys} == {"municipality_id"}
