"""The municipality's policy values: what each may be (pure). Thresholds that come from guidance
rather than law are the municipality's own, with documented defaults (policy_default); these are
the bounds an administrator's value must keep, so that no value can break a rule."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

Days = Annotated[int, Field(ge=0, le=3650)]
Months = Annotated[int, Field(ge=1, le=120)]


class _Values(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FollowUpValues(_Values):
    """Follow-up of placed children (followup.obligations.Policy)."""

    due_soon_days: Days = 14
    contact_details_days: Days = 14
    grounds_days: Days = 14
    visits_per_year: Annotated[int, Field(ge=1, le=52)] = 4
    max_visit_gap_months: Months = 6
    implementation_plan_days: Days = 30
    health_notification_days: Days = 30
    complaint_answer_days: Days = 30
    aftercare_days: Days = 30


class CheckValues(_Values):
    """The check before a placement (checks.facts.CheckPolicy)."""

    unplanned_endings_threshold: Annotated[int, Field(ge=1, le=1000)] = 3
    concurrent_foster_placements_threshold: Annotated[int, Field(ge=1, le=100)] = 3
    placing_municipalities_threshold: Annotated[int, Field(ge=1, le=290)] = 2
    register_check_max_age_months: Months = 12
    occupancy_stale_days: Days = 30
    contract_missing_blocks: bool = False
    conflict_score_threshold: Annotated[int, Field(ge=1, le=100)] = 90
    check_valid_days: Annotated[int, Field(ge=1, le=365)] = 30


class ReminderValues(_Values):
    """Reminders (followup/reminders.py): how long an obligation may be overdue before the unit
    lead's mail includes it."""

    escalation_days: Days = 7


class ConcernValues(_Values):
    """Reports of concern (followup.concern_model.ConcernPolicy) and the nämnd's targets."""

    protection_days: Annotated[int, Field(ge=0, le=7)] = 1
    due_soon_days: Days = 3
    concerned_told_days: Annotated[int, Field(ge=0, le=120)] = 7
    feedback_days: Annotated[int, Field(ge=1, le=7)] = 7
    transfer_answer_months: Annotated[int, Field(ge=1, le=1)] = 1
    target_protection_percent: Annotated[float, Field(ge=0, le=100)] = 100
    target_preliminary_percent: Annotated[float, Field(ge=0, le=100)] = 70
    target_investigation_percent: Annotated[float, Field(ge=0, le=100)] = 75


Year = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]

# What each key's value may be; an object's fields are corrected one by one (merged), a number whole.
VALUES: dict[str, TypeAdapter[Any]] = {
    "declaration_max_age_months": TypeAdapter(Months),
    "screening_flag_score": TypeAdapter(Annotated[int, Field(ge=1, le=100)]),
    "contract_follow_up_months": TypeAdapter(Months),
    "direct_award_limit_sek": TypeAdapter(dict[Year, Annotated[int, Field(ge=0)]]),
    "followup": TypeAdapter(FollowUpValues),
    "checks": TypeAdapter(CheckValues),
    "reminders": TypeAdapter(ReminderValues),
    "concerns": TypeAdapter(ConcernValues),
    "permit_capture_reverify_days": TypeAdapter(Annotated[int, Field(ge=7, le=1095)]),
}


def corrected(key: str, current: Any, sent: Any) -> Any:
    """The key's value after the correction ``sent``: an object's fields over the current ones, any
    other value in its place; validated (pydantic.ValidationError otherwise), as JSON."""
    adapter = VALUES[key]
    value = {**current, **sent} if isinstance(current, dict) and isinstance(sent, dict) else sent
    return adapter.dump_python(adapter.validate_python(value), mode="json")
