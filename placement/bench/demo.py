"""The synthetic demo municipality: staff, children, placements, decisions.

Everything here is invented. The municipality has kommunkod 0000, which no Swedish municipality
has. Children's personnummer are valid by checksum (python-stdnum) and use birth numbers 980–999,
the series Swedish test personnummer are drawn from, and every name ends in "(demo)". Loading is
idempotent: a database that already has the demo municipality is left as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from stdnum import luhn

from checks.rules.PP16 import RESERVED_KINDS, reserved_for_the_namnd
from followup.obligations import EventKind
from placement import audit
from placement.audit import Access, Actor, AuditAction
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm, StaffRole
from placement.database.pool import Connection
from placement.models import (
    ChildIn,
    DecisionIn,
    PlacementEndIn,
    PlacementIn,
    SocialWorkerAssignmentIn,
    Staff,
    StaffIn,
)
from placement.repositories.children import ChildRepository
from placement.repositories.contracts import ContractIn, ContractRepository
from placement.repositories.declarations import DeclarationIn, DeclarationRepository, InterestIn
from placement.repositories.foster_homes import FosterHomeIn, FosterHomeRepository, FosterParentIn
from placement.repositories.integrity import run_screening
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import PlacementRepository, SocialWorkerRepository
from placement.repositories.staff import StaffRepository
from suppliers.contracts import ContractKind
from suppliers.fetch import Fetched
from suppliers.formats import Feed, parse_feed
from suppliers.importer import apply_feed

DEMO_KOMMUNKOD = "0000"
DEMO_NAME = "Demokommunen (syntetisk)"
DEMO_ACTOR = "demo-loader"

STAFF: list[tuple[str, str, str, list[StaffRole]]] = [
    ("Petra Placering (demo)", "petra@demo.invalid", "Placeringsenheten", [StaffRole.PLACERINGSSTOD]),
    ("Sami Socialsekreterare (demo)", "sami@demo.invalid", "Barn och unga 1", [StaffRole.SOCIALSEKRETERARE]),
    (
        "Sofia Socialsekreterare (demo)",
        "sofia@demo.invalid",
        "Barn och unga 2",
        [StaffRole.SOCIALSEKRETERARE],
    ),
    ("Tove Teamledare (demo)", "tove@demo.invalid", "Barn och unga 1", [StaffRole.TEAMLEDARE]),
    ("Ulf Upphandlare (demo)", "ulf@demo.invalid", "Upphandling", [StaffRole.UPPHANDLARE]),
    ("Greta Granskare (demo)", "greta@demo.invalid", "Nämndens revision", [StaffRole.GRANSKARE]),
    ("Adam Administratör (demo)", "adam@demo.invalid", "Socialförvaltningen", [StaffRole.ADMINISTRATOR]),
]

GIVEN_NAMES = [
    "Alva",
    "Elsa",
    "Maja",
    "Saga",
    "Wilma",
    "Ella",
    "Noah",
    "Liam",
    "Hugo",
    "Elias",
    "Leo",
    "Omar",
]
HOMES: list[tuple[PlacementForm, LegalBasis, str, str | None]] = [
    (PlacementForm.FAMILJEHEM, LegalBasis.SOL, "Familjehemmet Björk (demo)", None),
    (PlacementForm.FAMILJEHEM, LegalBasis.LVU_2, "Familjehemmet Lind (demo)", "0001"),
    (PlacementForm.JOURHEM, LegalBasis.SOL, "Jourhemmet Ek (demo)", None),
    (PlacementForm.HVB, LegalBasis.LVU_3, "HVB Solgläntan (demo)", "0002"),
    (PlacementForm.HVB, LegalBasis.SOL, "HVB Havsutsikten (demo)", None),
    (PlacementForm.STODBOENDE, LegalBasis.SOL, "Stödboendet Trappan (demo)", None),
    (PlacementForm.LSS_BOENDE, LegalBasis.LSS, "LSS-boendet Ängen (demo)", None),
    (PlacementForm.SIS, LegalBasis.LVU_3, "SiS ungdomshem (demo)", "0003"),
]

# The demo's own units in the national register (codes DEMO-...), and its providers: one well run,
# one in liquidation. Loaded only into a database whose register is empty, since a register file
# is a full snapshot and would retire the units of a real register.
FosterKind = Literal["familjehem", "jourhem"]
PROVIDER_OK = "5569000010"
PROVIDER_TROUBLED = "5569000028"
UNIT_OF_HOME = {
    "HVB Solgläntan (demo)": "DEMO-HVB-1",
    "HVB Havsutsikten (demo)": "DEMO-HVB-2",
    "Stödboendet Trappan (demo)": "DEMO-STOD-1",
    "LSS-boendet Ängen (demo)": "DEMO-LSS-1",
}


def _permit(
    reference: str, kind: str, ages: tuple[int, int], places: int, holder: str, **more: Any
) -> dict[str, Any]:
    return {
        "ivo_reference": reference,
        "operation_kind": kind,
        "age_min": ages[0],
        "age_max": ages[1],
        "places": places,
        "valid_from": "2019-01-01",
        "decided_on": "2018-11-20",
        "holder_orgnr": holder,
        **more,
    }


def demo_register(today: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    """The IVO feed and the company feed of the demo's units and providers."""
    units = [
        {
            "unit_code": "DEMO-HVB-1",
            "name": "HVB Solgläntan (demo)",
            "kommunkod": "0002",
            "operation_kind": "hvb_children",
            "ownership": "private",
            "provider_orgnr": PROVIDER_OK,
            "permit": _permit(
                "IVO-DEMO-1",
                "hvb_children",
                (13, 17),
                8,
                PROVIDER_OK,
                needs=["psychosocial", "criminality", "substance_abuse"],
                manager_name="Maria Föreståndare (demo)",
            ),
            # Full: the next check run there blocks on PP07.
            "reported_occupancy": 8,
            "occupancy_reported_on": (today - dt.timedelta(days=7)).isoformat(),
        },
        {
            "unit_code": "DEMO-HVB-2",
            "name": "HVB Havsutsikten (demo)",
            "kommunkod": "0000",
            "operation_kind": "hvb_children",
            "ownership": "private",
            "provider_orgnr": PROVIDER_TROUBLED,
            "permit": _permit(
                "IVO-DEMO-2",
                "hvb_children",
                (12, 17),
                6,
                PROVIDER_TROUBLED,
                sex="female",
                needs=["psychosocial", "self_harm"],
                manager_name="Henrik Föreståndare (demo)",
            ),
            "reported_occupancy": 3,
            "occupancy_reported_on": (today - dt.timedelta(days=20)).isoformat(),
        },
        {
            "unit_code": "DEMO-STOD-1",
            "name": "Stödboendet Trappan (demo)",
            "kommunkod": "0000",
            "operation_kind": "stodboende",
            "ownership": "private",
            "provider_orgnr": PROVIDER_OK,
            "permit": _permit(
                "IVO-DEMO-3", "stodboende", (16, 20), 10, PROVIDER_OK, needs=["psychosocial", "unaccompanied"]
            ),
            "reported_occupancy": 6,
            "occupancy_reported_on": (today - dt.timedelta(days=3)).isoformat(),
        },
        {
            "unit_code": "DEMO-LSS-1",
            "name": "LSS-boendet Ängen (demo)",
            "kommunkod": "0000",
            "operation_kind": "lss_children",
            "ownership": "private",
            "provider_orgnr": PROVIDER_TROUBLED,
            # Revoked: the next check run there blocks on PP02.
            "permit": _permit(
                "IVO-DEMO-4",
                "lss_children",
                (6, 17),
                4,
                PROVIDER_TROUBLED,
                needs=["intellectual_disability", "neuropsychiatric"],
                status="revoked",
                revoked_on=(today - dt.timedelta(days=40)).isoformat(),
            ),
        },
    ]
    interventions = [
        {
            "case_number": "DEMO-8.5-1234/2026",
            "kind": "forelaggande",
            "decided_on": (today - dt.timedelta(days=120)).isoformat(),
            "unit_code": "DEMO-HVB-2",
            "summary": "Föreläggande: brister i bemanning nattetid (demo).",
        }
    ]
    providers = [
        {
            "orgnr": PROVIDER_OK,
            "name": "Omsorg i Väst AB (demo)",
            "legal_form": "Aktiebolag",
            "officers": [
                {"role": "owner", "name": "Olle Ägare (demo)", "birth_date": "1970-04-01"},
                {"role": "manager", "name": "Maria Föreståndare (demo)", "birth_date": "1975-06-06"},
            ],
        },
        {
            "orgnr": PROVIDER_TROUBLED,
            "name": "Kustvård AB (demo)",
            "legal_form": "Aktiebolag",
            "status": "liquidation",
            "f_skatt": False,
            "officers": [{"role": "owner", "name": "Kurt Kust (demo)", "birth_date": "1965-09-09"}],
        },
    ]
    return {"units": units, "interventions": interventions}, {"providers": providers}


def synthetic_personnummer(birth_date: dt.date, serial: int, *, female: bool) -> str:
    """A checksum-valid personnummer with birth number 980–999 (test series), as YYYYMMDDNNNN."""
    if not 980 <= serial <= 999:
        raise ValueError("demo personnummer use birth numbers 980-999 only")
    if (serial % 2 == 0) != female:
        serial += 1 if serial < 999 else -1
    nine = birth_date.strftime("%y%m%d") + f"{serial:03d}"
    return birth_date.strftime("%Y") + nine[2:] + luhn.calc_check_digit(nine)


@dataclass(frozen=True)
class DemoResult:
    created: bool
    municipality_id: str
    children: int
    placements: int


async def load_demo(
    conn: Connection, *, today: dt.date | None = None, seed: int = 2026, real_day: bool = False
) -> DemoResult:
    """Create the demo municipality in one transaction, unless it exists.

    With ``real_day`` (``placement demo`` and ``serve --demo``), also what makes a first check run
    and a first worklist meaningful: the demo's units and providers in an empty register, foster
    homes, a contract, declarations, placements linked to their homes with half their duties
    recorded, and the conflict screening run; the obligation scan (which `serve` runs at start)
    makes the first worklist. Without it (the test
    suite's fixture) the municipality holds only its staff, children, placements and decisions."""
    today = today or today_in_sweden()
    rng = random.Random(seed)
    existing = await MunicipalityRepository(conn).by_kommunkod(kommunkod=DEMO_KOMMUNKOD)
    if existing is not None:
        return DemoResult(False, str(existing.id), 0, 0)
    # The register first, each feed in its own transaction (a register import is one).
    if real_day:
        await _register(conn, today)
    async with conn.transaction():
        municipalities = MunicipalityRepository(conn)
        existing = await municipalities.by_kommunkod(kommunkod=DEMO_KOMMUNKOD)
        if existing is not None:
            return DemoResult(False, str(existing.id), 0, 0)
        municipality = await municipalities.create(kommunkod=DEMO_KOMMUNKOD, name=DEMO_NAME, is_demo=True)
        await conn.execute("SELECT set_config('placement.municipality_id', $1, true)", str(municipality.id))
        actor = Actor(municipality_id=municipality.id, name=DEMO_ACTOR)

        staff_repo = StaffRepository(conn, municipality_id=municipality.id)
        staff = [
            await staff_repo.create(staff=StaffIn(name=name, email=email, org_unit=unit, roles=roles))
            for name, email, unit, roles in STAFF
        ]
        social_workers = [s for s in staff if StaffRole.SOCIALSEKRETERARE in s.roles]
        decider = next(s for s in staff if StaffRole.TEAMLEDARE in s.roles)
        # The delegation order: unit leads take the decisions an official may take. Placement in a
        # familjehem or jourhem, LVU care, övervägande, omprövning and medgivande are reserved for
        # the nämnd or its utskott (SoL 30 kap. 6–7 §§) and are delegated to no official.
        await conn.executemany(
            """INSERT INTO delegation_rule
                   (municipality_id, decision_kind, role, granted_by, reported_to_namnd)
               VALUES ($1, $2, 'teamledare', 'Socialnämnden (demo)', true)""",
            [(municipality.id, kind.value) for kind in DecisionKind if kind not in RESERVED_KINDS],
        )

        homes: dict[str, uuid.UUID] = {}
        if real_day:
            homes = await _foster_homes(conn, municipality.id, today)
            await _contracts_and_declarations(conn, municipality.id, staff, today)

        children_repo = ChildRepository(conn, actor=actor)
        placements_repo = PlacementRepository(conn, actor=actor)
        workers_repo = SocialWorkerRepository(conn, actor=actor)
        placements = 0
        for index, given in enumerate(GIVEN_NAMES):
            female = index < 6
            age_days = rng.randint(3 * 365, 17 * 365)
            born = today - dt.timedelta(days=age_days)
            pnr = synthetic_personnummer(born, 980 + index, female=female)
            child = await children_repo.create(
                child=ChildIn(personnummer=pnr, name=f"{given} Demosson (demo)")
            )
            worker = social_workers[index % len(social_workers)]
            first_day = today - dt.timedelta(days=rng.randint(30, 900))
            await workers_repo.assign(
                child_id=child.id,
                assignment=SocialWorkerAssignmentIn(staff_id=worker.id, assigned_from=first_day),
            )
            form, basis, home, home_kommun = HOMES[index % len(HOMES)]
            start = first_day + dt.timedelta(days=rng.randint(0, 20))
            placement = await placements_repo.create(
                placement=PlacementIn(
                    child_id=child.id,
                    form=form,
                    legal_basis=basis,
                    home_name=home,
                    home_kommunkod=home_kommun,
                    unit_code=UNIT_OF_HOME.get(home) if real_day else None,
                    foster_home_id=homes.get(home),
                    start_date=start,
                    planned_end_date=None,
                )
            )
            placements += 1
            if real_day and index % 2 == 0:
                await _duties_done(conn, actor, child.id, placement.id, worker.id, start, today)
            kind = {
                LegalBasis.SOL: DecisionKind.PLACEMENT_SOL,
                LegalBasis.LSS: DecisionKind.LSS_HOUSING,
            }.get(basis, DecisionKind.PLACEMENT_LVU)
            # Care in a familjehem or jourhem, and LVU care, is the nämnd's decision (SoL 30 kap. 6–7 §§).
            by_namnd = reserved_for_the_namnd(kind, form, basis) is not None
            await placements_repo.add_decision(
                placement_id=placement.id,
                decision=DecisionIn(
                    kind=kind,
                    decided_on=start,
                    decided_by=None if by_namnd else decider.id,
                    decided_by_namnd=by_namnd,
                    namnd_meeting_on=start if by_namnd else None,
                    namnd_paragraph=f"§ {index + 1}" if by_namnd else None,
                    valid_from=start,
                    valid_to=start + dt.timedelta(days=365) if basis is LegalBasis.SOL else None,
                ),
            )
            if index % 4 == 3 and start < today - dt.timedelta(days=60):
                ended = start + dt.timedelta(days=rng.randint(20, 50))
                reason = EndReason.UNPLANNED if index % 8 == 3 else EndReason.PLANNED
                await placements_repo.end(
                    placement_id=placement.id,
                    ending=PlacementEndIn(
                        end_date=ended, end_reason=reason, end_reason_note="Syntetisk demo."
                    ),
                )
        if real_day:
            # Conflict screening of the staff against the providers' officers: Tove's board seat.
            await run_screening(conn, municipality.id)
        return DemoResult(True, str(municipality.id), len(GIVEN_NAMES), placements)


async def _register(conn: Connection, today: dt.date) -> None:
    """The demo's units, permits, an intervention and its providers, into an empty register."""
    ivo, companies = demo_register(today)
    for feed, content in ((Feed.IVO, ivo), (Feed.COMPANIES, companies)):
        if await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM register_snapshot WHERE source = $1)", feed.value
        ):
            continue  # a real register is there: the demo leaves it alone
        data = json.dumps(content, ensure_ascii=False).encode()
        await apply_feed(conn, parse_feed(feed, data, name="demo.json"), Fetched("demo", data), today=today)


async def _foster_homes(conn: Connection, municipality_id: uuid.UUID, today: dt.date) -> dict[str, uuid.UUID]:
    """Björk: investigated, approved, every extract fresh. Lind: approved, extracts three years
    old. Ek (jourhem): investigated, not yet approved, one parent without misstankeregister."""
    repo = FosterHomeRepository(conn, municipality_id=municipality_id)
    recent = today - dt.timedelta(days=60)
    old = today - dt.timedelta(days=3 * 365)
    björk = ["Berit Björk (demo)", "Bo Björk (demo)"]
    ek = ["Eva Ek (demo)", "Erik Ek (demo)"]
    specs: list[tuple[str, FosterKind, dt.date, dt.date | None, dt.date, list[str]]] = [
        ("Familjehemmet Björk (demo)", "familjehem", old, old, recent, björk),
        ("Familjehemmet Lind (demo)", "familjehem", old, old, old, ["Lena Lind (demo)"]),
        ("Jourhemmet Ek (demo)", "jourhem", recent, None, recent, ek),
    ]
    homes: dict[str, uuid.UUID] = {}
    for name, kind, investigated, approved, extracts, parents in specs:
        # Ek's second parent has no extract from misstankeregistret yet.
        missing = kind == "jourhem"
        home = await repo.create(
            home=FosterHomeIn(
                name=name,
                kind=kind,
                kommunkod=DEMO_KOMMUNKOD,
                investigated_on=investigated,
                approved_on=approved,
                approved_by="Socialnämndens utskott (demo)" if approved else None,
                belastningsregister_on=extracts,
                misstankeregister_on=None if missing else extracts,
                parents=[
                    FosterParentIn(
                        name=parent,
                        birth_date=dt.date(1975 + i, 3, 3),
                        belastningsregister_on=extracts,
                        misstankeregister_on=None if missing and i == 1 else extracts,
                    )
                    for i, parent in enumerate(parents)
                ],
            )
        )
        homes[name] = home.id
    return homes


async def _contracts_and_declarations(
    conn: Connection, municipality_id: uuid.UUID, staff: list[Staff], today: dt.date
) -> None:
    """A framework agreement with the well-run provider, its yearly follow-up overdue; none with
    the one in liquidation. Petra has declared nothing to declare this year, Sami did so over a
    year ago, Tove sits on the board of the provider she may decide placements at."""
    contracts = ContractRepository(conn, municipality_id=municipality_id)
    await contracts.create(
        contract=ContractIn(
            provider_orgnr=PROVIDER_OK,
            unit_codes=["DEMO-HVB-1", "DEMO-STOD-1"],
            kind=ContractKind.RAMAVTAL,
            reference="Ramavtal HVB och stödboende 2024 (demo)",
            valid_from=today - dt.timedelta(days=2 * 365),
            valid_to=today + dt.timedelta(days=365),
            daily_price=Decimal("3450.00"),
        )
    )
    by_name = {s.name.split()[0]: s for s in staff}
    declarations = DeclarationRepository(conn, municipality_id=municipality_id)
    await declarations.add(
        staff_id=by_name["Petra"].id,
        declaration=DeclarationIn(declared_on=today - dt.timedelta(days=30), nothing_to_declare=True),
    )
    await declarations.add(
        staff_id=by_name["Sami"].id,
        declaration=DeclarationIn(declared_on=today - dt.timedelta(days=400), nothing_to_declare=True),
    )
    await declarations.add(
        staff_id=by_name["Tove"].id,
        declaration=DeclarationIn(
            declared_on=today - dt.timedelta(days=60),
            interests=[
                InterestIn(
                    kind="board_seat",
                    orgnr=PROVIDER_OK,
                    organisation_name="Omsorg i Väst AB (demo)",
                    description="Ledamot i styrelsen (demo).",
                )
            ],
        ),
    )


async def _duties_done(
    conn: Connection,
    actor: Actor,
    child_id: uuid.UUID,
    placement_id: uuid.UUID,
    worker_id: uuid.UUID,
    start: dt.date,
    today: dt.date,
) -> None:
    """What a diligent social worker has recorded: a care plan, contact details given, the grounds
    explained, and a recent visit with a private talk. Written as the record of the past they are,
    audited; the obligations are left to the scan, as after an import."""
    recent = max(start, today - dt.timedelta(days=25))
    early = min(start + dt.timedelta(days=5), today)
    events = [
        (uuid.uuid4(), EventKind.CARE_PLAN, start, {}),
        (uuid.uuid4(), EventKind.CONTACT_DETAILS_GIVEN, early, {}),
        (uuid.uuid4(), EventKind.GROUNDS_EXPLAINED, early, {}),
        (uuid.uuid4(), EventKind.VISIT, recent, {"in_home": True, "private_talk": True}),
    ]
    await conn.executemany(
        """INSERT INTO placement_event
               (municipality_id, id, placement_id, kind, occurred_on, staff_id, details, recorded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8)""",
        [
            (
                actor.municipality_id,
                event_id,
                placement_id,
                kind.value,
                day,
                worker_id,
                json.dumps(details),
                actor.name,
            )
            for event_id, kind, day, details in events
        ],
    )
    await audit.record(
        conn,
        actor,
        AuditAction.CREATE,
        [Access("placement_event", event_id, child_id) for event_id, *_ in events],
    )
