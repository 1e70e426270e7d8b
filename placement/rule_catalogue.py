"""Every rule family, registered once at start-up (the composition root of the rules).

Each family's package registers its rules when imported (one module per code). The registry in
placement/core/rulebook.py never imports them back; the service's entry points (the CLI, the web app)
call :func:`load` first, and so do the tests.
"""

from __future__ import annotations

import functools
import importlib

from placement.core.rulebook import Rule, all_rules

FAMILIES = (
    "checks.registry",  # PP01-PP23: checks/rules/PPxx.py, loaded by checks.registry.load_rules
    "checks.egenkontroll",  # EK01
    "followup.rules",  # FU01-FU16
    "suppliers.rules",  # SV01-SV09
    "followup.concern_rules",  # CH01-CH08: reports of concern
)


@functools.cache
def load() -> tuple[Rule, ...]:
    """Import every rule family once; every registered rule, by code."""
    from checks.registry import load_rules

    for family in FAMILIES:
        importlib.import_module(family)
    load_rules()
    return tuple(all_rules())
