"""The egenkontroll codes (EK) that the service raises itself (pure)."""

from __future__ import annotations

from placement.core.rulebook import Severity, register

EK01 = register(
    "EK01",
    "Placeringsbeslut utan föregående kontroll eller med olöst spärr",
    Severity.WARN,
    "self_monitoring",
)
