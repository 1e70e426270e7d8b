"""The egenkontroll codes (EK), one module each. Importing this package registers them: ``EK01``
is raised by the check runs; EK02 onwards are indicators the nämnd's reports count
(checks/egenkontroll/_indicator.py says how)."""

from checks.egenkontroll._indicator import INDICATORS, NOT_COUNTED, Figures, Indicator, Subject, tally
from checks.egenkontroll.EK01 import EK01, DecisionCheckFacts, ek01_decision_without_check
from checks.egenkontroll.EK02 import ReviewFacts, ek02_review_on_time
from checks.egenkontroll.EK03 import VisitFacts, ek03_visited
from checks.egenkontroll.EK04 import SocialWorkerFacts, ek04_social_workers
from checks.egenkontroll.EK05 import InformationFacts, ek05_informed
from checks.egenkontroll.EK06 import EndingFacts, ek06_ended_as_planned
from checks.egenkontroll.EK07 import ComplaintFacts, ek07_complaints_answered
from checks.egenkontroll.EK09 import PurchaseFacts, ek09_purchase_under_followed_contract
from checks.egenkontroll.EK10 import DeclarationFacts, ek10_declared
from checks.egenkontroll.EK11 import EnforcementFacts, age_band, ek11_enforced_in_time
from checks.egenkontroll.EK12 import CHECKS, CaseFile, FileReviewFacts, draw, ek12_file_review

__all__ = [
    "CHECKS",
    "EK01",
    "INDICATORS",
    "NOT_COUNTED",
    "CaseFile",
    "ComplaintFacts",
    "DecisionCheckFacts",
    "DeclarationFacts",
    "EndingFacts",
    "EnforcementFacts",
    "Figures",
    "FileReviewFacts",
    "Indicator",
    "InformationFacts",
    "PurchaseFacts",
    "ReviewFacts",
    "SocialWorkerFacts",
    "Subject",
    "VisitFacts",
    "age_band",
    "draw",
    "ek01_decision_without_check",
    "ek02_review_on_time",
    "ek03_visited",
    "ek04_social_workers",
    "ek05_informed",
    "ek06_ended_as_planned",
    "ek07_complaints_answered",
    "ek09_purchase_under_followed_contract",
    "ek10_declared",
    "ek11_enforced_in_time",
    "ek12_file_review",
    "tally",
]
