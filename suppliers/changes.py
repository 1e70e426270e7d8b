"""What changed between two snapshots of a register, and which findings that raises (pure).

An IVO or company file is a full snapshot: a unit or provider missing from it is gone from the
register. Interventions only accumulate: a decision once made stays a fact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from placement.core.supplier_vocabulary import ChangeKind, CompanyStatus, PermitStatus
from suppliers.records import Intervention, Provider, Record, Unit
from suppliers.rules import FINDING_FOR


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    entity_kind: str
    key: str
    unit_codes: tuple[str, ...]
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def finding_code(self) -> str | None:
        return FINDING_FOR.get(self.kind)


def _dump(record: Record | None) -> dict[str, Any] | None:
    return None if record is None else record.model_dump(mode="json")


def unit_changes(before: Mapping[str, Unit], after: Mapping[str, Unit]) -> list[Change]:
    changes: list[Change] = []
    for code in sorted(set(before) | set(after)):
        old, new = before.get(code), after.get(code)
        if old is not None and new is not None and old.content_sha256() == new.content_sha256():
            continue
        changes += _unit_change(code, old, new)
    return changes


def _unit_change(code: str, old: Unit | None, new: Unit | None) -> list[Change]:
    def change(kind: ChangeKind, summary: str) -> Change:
        return Change(kind, "unit", code, (code,), summary, _dump(old), _dump(new))

    if old is None:
        if new is None:
            return []
        kind = ChangeKind.PERMIT_NEW if new.permit else ChangeKind.UNIT_NEW
        return [change(kind, f"{new.name} finns nu i registret")]
    if new is None:
        if old.permit is not None and old.permit.status is PermitStatus.VALID:
            summary = f"{old.name} finns inte längre i registret; tillståndet har upphört"
            return [change(ChangeKind.PERMIT_CEASED, summary)]
        return [change(ChangeKind.UNIT_REMOVED, f"{old.name} finns inte längre i registret")]
    name = new.name
    was, now = old.permit, new.permit
    out: list[Change] = []
    if was is not None and now is None:
        out.append(change(ChangeKind.PERMIT_CEASED, f"Tillståndet för {name} har upphört"))
    elif was is None and now is not None:
        out.append(change(ChangeKind.PERMIT_NEW, f"{name} har fått tillstånd {now.ivo_reference}"))
    elif was is not None and now is not None:
        if now.status is not was.status and now.status is not PermitStatus.VALID:
            kind = (
                ChangeKind.PERMIT_REVOKED if now.status is PermitStatus.REVOKED else ChangeKind.PERMIT_CEASED
            )
            verb = "återkallats" if kind is ChangeKind.PERMIT_REVOKED else "upphört"
            out.append(change(kind, f"Tillståndet {now.ivo_reference} för {name} har {verb}"))
        if (was.age_min, was.age_max, was.sex, set(was.needs), was.operation_kind) != (
            now.age_min,
            now.age_max,
            now.sex,
            set(now.needs),
            now.operation_kind,
        ):
            out.append(
                change(ChangeKind.TARGET_GROUP_CHANGED, f"Målgruppen i tillståndet för {name} har ändrats")
            )
        if was.places != now.places:
            out.append(
                change(
                    ChangeKind.PLACES_CHANGED,
                    f"Antalet platser för {name} har ändrats från {was.places} till {now.places}",
                )
            )
        if was.manager_name != now.manager_name:
            out.append(change(ChangeKind.MANAGER_CHANGED, f"Föreståndaren för {name} har bytts"))
    if not out:
        out.append(change(ChangeKind.UNIT_CHANGED, f"Uppgifterna om {name} har ändrats"))
    return out


def provider_changes(
    before: Mapping[str, Provider], after: Mapping[str, Provider], units_of: Mapping[str, Sequence[str]]
) -> list[Change]:
    """Changes to providers; ``units_of`` maps an orgnr to the codes of its units now."""
    changes: list[Change] = []
    for orgnr in sorted(set(before) | set(after)):
        old, new = before.get(orgnr), after.get(orgnr)
        if old is not None and new is not None and old.content_sha256() == new.content_sha256():
            continue
        changes += _provider_change(orgnr, old, new, tuple(units_of.get(orgnr, ())))
    return changes


def _provider_change(
    orgnr: str, old: Provider | None, new: Provider | None, units: tuple[str, ...]
) -> list[Change]:
    def change(kind: ChangeKind, summary: str) -> Change:
        return Change(kind, "provider", orgnr, units, summary, _dump(old), _dump(new))

    if old is None:
        return [change(ChangeKind.PROVIDER_NEW, f"{new.name if new else orgnr} finns nu i bolagsregistret")]
    if new is None:
        return [change(ChangeKind.PROVIDER_REMOVED, f"{old.name} finns inte längre i bolagsregistret")]
    found: list[Change] = []
    lost_f_skatt = old.f_skatt and not new.f_skatt
    if old.status is not new.status or lost_f_skatt:
        what = [] if old.status is new.status else [f"status {_status(new.status)}"]
        if lost_f_skatt:
            what.append("F-skatt saknas")
        found.append(change(ChangeKind.COMPANY_STATUS_CHANGED, f"{new.name}: {', '.join(what)}"))
    if set(old.officers) != set(new.officers):
        found.append(change(ChangeKind.OFFICERS_CHANGED, f"Ägare eller styrelse för {new.name} har ändrats"))
    return found or [change(ChangeKind.PROVIDER_CHANGED, f"Uppgifterna om {new.name} har ändrats")]


def _status(status: CompanyStatus) -> str:
    return {
        CompanyStatus.ACTIVE: "aktivt",
        CompanyStatus.BANKRUPT: "i konkurs",
        CompanyStatus.LIQUIDATION: "i likvidation",
        CompanyStatus.DEREGISTERED: "avregistrerat",
    }[status]


def intervention_changes(known: Iterable[str], incoming: Sequence[Intervention]) -> list[Change]:
    seen = set(known)
    return [
        Change(
            ChangeKind.INTERVENTION_NEW,
            "intervention",
            i.case_number,
            (i.unit_code,) if i.unit_code else (),
            f"Nytt ingripande från IVO ({i.kind.value}, {i.decided_on.isoformat()})",
            None,
            _dump(i),
        )
        for i in incoming
        if i.case_number not in seen
    ]
