"""The vocabulary of reports of concern (orosanmälningar) and what follows them (pure).

The values are stored in the database (the CHECK constraints of V080 hold the same lists; a test
compares them), and each has a Swedish label for pages and reports (:func:`label`).
"""

from __future__ import annotations

from enum import StrEnum


class ReportKind(StrEnum):
    """An anmälan, or information that reached the nämnd some other way (no skyddsbedömning and
    no 14-day förhandsbedömning are required of the latter; the auditors found such information
    registered as reports, which then looked like missing skyddsbedömningar)."""

    REPORT = "report"
    OTHER_INFORMATION = "other_information"


class ReporterKind(StrEnum):
    SCHOOL = "school"
    PRESCHOOL = "preschool"
    HEALTH_CARE = "health_care"
    POLICE = "police"
    SOCIAL_SERVICES = "social_services"
    OTHER_AUTHORITY = "other_authority"
    PRIVATE_PERSON = "private_person"
    RELATIVE = "relative"
    CHILD = "child"
    ANONYMOUS = "anonymous"


# Reporters under the duty to report (19 kap. SoL): those who may ask for feedback (CH06).
PROFESSIONAL_REPORTERS = frozenset(
    {
        ReporterKind.SCHOOL,
        ReporterKind.PRESCHOOL,
        ReporterKind.HEALTH_CARE,
        ReporterKind.POLICE,
        ReporterKind.SOCIAL_SERVICES,
        ReporterKind.OTHER_AUTHORITY,
    }
)


class PreliminaryOutcome(StrEnum):
    OPEN_INVESTIGATION = "open_investigation"
    NOT_OPEN = "not_open"
    ALREADY_OPEN = "already_open"


class InvestigationOutcome(StrEnum):
    INTERVENTION = "intervention"
    PLACEMENT = "placement"
    NO_INTERVENTION = "no_intervention"
    TRANSFERRED = "transferred"


class TransferAnswer(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


class ConcernDecisionKind(StrEnum):
    """Decisions of this stage that the delegation order governs (CH05)."""

    PRELIMINARY = "concern_preliminary"  # open or not open an investigation
    PRELIMINARY_EXTENSION = "concern_preliminary_extension"
    INVESTIGATION_EXTENSION = "concern_investigation_extension"
    INVESTIGATION_OUTCOME = "concern_investigation_outcome"


class Phase(StrEnum):
    """Which unit works a step: the mottagning (reception) or the utredning unit."""

    MOTTAGNING = "mottagning"
    UTREDNING = "utredning"


VOCABULARIES: tuple[type[StrEnum], ...] = (
    ReportKind,
    ReporterKind,
    PreliminaryOutcome,
    InvestigationOutcome,
    TransferAnswer,
    ConcernDecisionKind,
    Phase,
)

_LABELS: dict[StrEnum, str] = {
    ReportKind.REPORT: "anmälan",
    ReportKind.OTHER_INFORMATION: "information på annat sätt",
    ReporterKind.SCHOOL: "skola",
    ReporterKind.PRESCHOOL: "förskola",
    ReporterKind.HEALTH_CARE: "hälso- och sjukvård",
    ReporterKind.POLICE: "polis",
    ReporterKind.SOCIAL_SERVICES: "socialtjänst",
    ReporterKind.OTHER_AUTHORITY: "annan myndighet",
    ReporterKind.PRIVATE_PERSON: "privatperson",
    ReporterKind.RELATIVE: "anhörig",
    ReporterKind.CHILD: "barnet självt",
    ReporterKind.ANONYMOUS: "anonym",
    PreliminaryOutcome.OPEN_INVESTIGATION: "utredning inleds",
    PreliminaryOutcome.NOT_OPEN: "utredning inleds inte",
    PreliminaryOutcome.ALREADY_OPEN: "utredning pågår redan",
    InvestigationOutcome.INTERVENTION: "insats beviljas",
    InvestigationOutcome.PLACEMENT: "placering",
    InvestigationOutcome.NO_INTERVENTION: "ingen insats",
    InvestigationOutcome.TRANSFERRED: "ärendet överflyttat",
    TransferAnswer.ACCEPTED: "överflyttning godtagen",
    TransferAnswer.REFUSED: "överflyttning avböjd",
    ConcernDecisionKind.PRELIMINARY: "beslut att inleda eller inte inleda utredning",
    ConcernDecisionKind.PRELIMINARY_EXTENSION: "förlängd förhandsbedömning (synnerliga skäl)",
    ConcernDecisionKind.INVESTIGATION_EXTENSION: "förlängd utredningstid",
    ConcernDecisionKind.INVESTIGATION_OUTCOME: "beslut när utredningen avslutas",
    Phase.MOTTAGNING: "mottagning",
    Phase.UTREDNING: "utredning",
}


def label(value: StrEnum) -> str:
    """The Swedish label of a value of this vocabulary."""
    return _LABELS[value]
