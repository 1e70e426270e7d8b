"""The aktgranskning form of a report of concern (pure): the auditors' sample questions (the 002
seed, appendix "Stickprover") answered from the report's facts.

Each answer is ``ja``, ``nej`` or ``ej aktuellt`` (the auditors' X), with what it rests on. The
questions the facts cannot answer (whether the investigation describes the facts, the nämnd's
assessment of the need, how it was carried out) are not in the form; a reviewer reads the file
for those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from followup.concern_model import RULES, ConcernFacts, ConcernPolicy, ConcernState
from placement.core.clock import add_days
from placement.core.concern_vocabulary import PROFESSIONAL_REPORTERS, ConcernDecisionKind


class Answer(StrEnum):
    YES = "ja"
    NO = "nej"
    NOT_APPLICABLE = "ej aktuellt"


@dataclass(frozen=True)
class ReviewAnswer:
    section: str
    question: str
    answer: Answer


def _yes(condition: bool) -> Answer:
    return Answer.YES if condition else Answer.NO


def _state(
    code: str, facts: ConcernFacts, today: dt.date, policy: ConcernPolicy, item: str = ""
) -> ConcernState | None:
    found = [i.state for i in RULES[code].function(facts, today, policy) if i.item == item]
    return found[0] if found else None


def _authorised(facts: ConcernFacts, kind: ConcernDecisionKind) -> Answer:
    decisions = [d for d in facts.decisions if d.kind is kind]
    if not decisions:
        return Answer.NOT_APPLICABLE
    return _yes(all(d.authorised for d in decisions))


Question = Callable[[ConcernFacts, dt.date, ConcernPolicy], Answer]
PRELIMINARY = "Förhandsbedömningar (samt skyddsbedömningar)"
INVESTIGATION = "Utredningar"


def _protection(check: Callable[[ConcernFacts], bool]) -> Question:
    def answer(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
        if not facts.is_report:
            return Answer.NOT_APPLICABLE
        return _yes(facts.protection is not None and check(facts))

    return answer


def _preliminary(check: Callable[[ConcernFacts], bool]) -> Question:
    def answer(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
        if facts.preliminary is None:
            return Answer.NOT_APPLICABLE if not facts.is_report else Answer.NO
        return _yes(check(facts))

    return answer


def _investigation(check: Callable[[ConcernFacts], bool]) -> Question:
    def answer(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
        if facts.investigation is None:
            return Answer.NOT_APPLICABLE
        return _yes(check(facts))

    return answer


def _protection_in_time(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
    if not facts.is_report:
        return Answer.NOT_APPLICABLE
    made = facts.protection
    due = add_days(facts.received_on, policy.protection_days)
    return _yes(made is not None and made.made_on is not None and made.made_on <= due)


def _preliminary_in_time(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
    if not facts.is_report:
        return Answer.NOT_APPLICABLE
    decided = facts.preliminary
    return _yes(decided is not None and decided.decided_on <= facts.preliminary_due())


def _extension_reason(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
    if facts.preliminary_extension is None:
        return Answer.NOT_APPLICABLE
    return _yes(bool(facts.preliminary_extension.reason))


def _feedback(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
    if not facts.feedback_requested or facts.reporter_kind not in PROFESSIONAL_REPORTERS:
        return Answer.NOT_APPLICABLE
    return _yes(facts.feedback_given_on is not None)


def _investigation_in_time(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
    state = _state("CH03", facts, today, policy, "finish")
    if state is None:
        return Answer.NOT_APPLICABLE
    return _yes(state in (ConcernState.MET, ConcernState.OPEN, ConcernState.DUE_SOON))


def _violence(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
    return _yes(facts.risk_assessed_on is not None) if facts.concerns_violence else Answer.NOT_APPLICABLE


def _crime(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> Answer:
    return _yes(facts.police_report_decided_on is not None) if facts.concerns_crime else Answer.NOT_APPLICABLE


QUESTIONS: tuple[tuple[str, str, Question], ...] = (
    (PRELIMINARY, "Har anmälare dokumenterats?", lambda f, t, p: Answer.YES),
    (PRELIMINARY, "Framgår anledning till anmälan?", lambda f, t, p: Answer.YES),
    (PRELIMINARY, "Har skyddsbedömning genomförts skyndsamt?", _protection_in_time),
    (
        PRELIMINARY,
        "Framgår namn och befattning i skyddsbedömningen?",
        _protection(lambda f: bool(f.protection and f.protection.made_by_name and f.protection.made_by_role)),
    ),
    (
        PRELIMINARY,
        "Framgår tidpunkt för skyddsbedömningen?",
        _protection(lambda f: bool(f.protection and f.protection.made_at)),
    ),
    (
        PRELIMINARY,
        "Framgår faktiska omständigheter för skyddsbedömning?",
        _protection(lambda f: bool(f.protection and f.protection.circumstances)),
    ),
    (PRELIMINARY, "Har förhandsbedömning genomförts skyndsamt?", _preliminary_in_time),
    (
        PRELIMINARY,
        "Har tidigare kännedom beaktats?",
        _preliminary(lambda f: bool(f.preliminary and f.preliminary.prior_knowledge)),
    ),
    (
        PRELIMINARY,
        "Har barnets inställning inhämtats? Om inte, har orsak angetts?",
        _preliminary(
            lambda f: bool(
                f.preliminary and (f.preliminary.child_view or f.preliminary.child_view_missing_reason)
            )
        ),
    ),
    (PRELIMINARY, "Har ett ställningstagande gjorts?", _preliminary(lambda f: True)),
    (
        PRELIMINARY,
        "Har beslut fattats av behörig delegat?",
        lambda f, t, p: _authorised(f, ConcernDecisionKind.PRELIMINARY),
    ),
    (PRELIMINARY, "Vid förlängning av förhandsbedömning, har skäl dokumenterats?", _extension_reason),
    (PRELIMINARY, "Har återkoppling skett till anmälare?", _feedback),
    (
        INVESTIGATION,
        "Har familjen bjudits in att delta i planering av utredning?",
        _investigation(lambda f: bool(f.investigation and f.investigation.family_invited_on)),
    ),
    (
        INVESTIGATION,
        "Har barnet fått komma till tals? Om nej, har orsak dokumenterats?",
        _investigation(
            lambda f: bool(
                f.investigation and (f.investigation.child_heard_on or f.investigation.child_not_heard_reason)
            )
        ),
    ),
    (INVESTIGATION, "Har utredning genomförts skyndsamt?", _investigation_in_time),
    (
        INVESTIGATION,
        "Framgår om kommunikering genomförts?",
        _investigation(lambda f: bool(f.investigation and f.investigation.communicated_on)),
    ),
    (
        INVESTIGATION,
        "Har beslut fattats av behörig delegat?",
        lambda f, t, p: _authorised(f, ConcernDecisionKind.INVESTIGATION_OUTCOME),
    ),
    (INVESTIGATION, "Vid våld, har bedömning om risk för ytterligare våld genomförts?", _violence),
    (INVESTIGATION, "Vid kännedom om brott, har ställningstagande till polisanmälan gjorts?", _crime),
)


def review(facts: ConcernFacts, today: dt.date, policy: ConcernPolicy) -> list[ReviewAnswer]:
    """The form for one report, in the auditors' order."""
    return [
        ReviewAnswer(section, question, ask(facts, today, policy)) for section, question, ask in QUESTIONS
    ]
