"""The synthetic demo municipality: staff, children, placements, decisions.

Everything here is invented. The municipality has kommunkod 0000, which no Swedish municipality
has. Children's personnummer are valid by checksum (python-stdnum) and use birth numbers 980–999,
the series Swedish test personnummer are drawn from, and every name ends in "(demo)". Loading is
idempotent: a database that already has the demo municipality is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from stdnum import luhn

from checks.rules.PP16 import RESERVED_KINDS, reserved_for_the_namnd
from placement.audit import Actor
from placement.core.clock import today_in_sweden
from placement.core.vocabulary import DecisionKind, EndReason, LegalBasis, PlacementForm, StaffRole
from placement.database.pool import Connection
from placement.models import (
    ChildIn,
    DecisionIn,
    PlacementEndIn,
    PlacementIn,
    SocialWorkerAssignmentIn,
    StaffIn,
)
from placement.repositories.children import ChildRepository
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.placements import PlacementRepository, SocialWorkerRepository
from placement.repositories.staff import StaffRepository

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


async def load_demo(conn: Connection, *, today: dt.date | None = None, seed: int = 2026) -> DemoResult:
    """Create the demo municipality in one transaction, unless it exists."""
    today = today or today_in_sweden()
    rng = random.Random(seed)
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
                    start_date=start,
                    planned_end_date=None,
                )
            )
            placements += 1
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
        return DemoResult(True, str(municipality.id), len(GIVEN_NAMES), placements)
