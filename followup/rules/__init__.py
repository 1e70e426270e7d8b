"""The obligations of a placed child, FU01–FU17, one module each (see followup/model.py).

Importing this package registers every one of them.
"""

from followup.rules import (  # noqa: F401 - each module registers its rule
    FU01,
    FU02,
    FU03,
    FU04,
    FU05,
    FU06,
    FU07,
    FU08,
    FU09,
    FU10,
    FU11,
    FU12,
    FU13,
    FU14,
    FU15,
    FU16,
    FU17,
)
