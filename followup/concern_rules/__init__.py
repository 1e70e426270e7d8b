"""The rules of reports of concern, CH01–CH08, one module each (see followup/concern_model.py).

Importing this package registers every one of them.
"""

from followup.concern_rules import (  # noqa: F401 - each module registers its rule
    CH01,
    CH02,
    CH03,
    CH04,
    CH05,
    CH06,
    CH07,
    CH08,
)
