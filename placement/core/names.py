"""Name normalisation (pure): how two spellings of a Swedish name are made comparable.

Shared by the rules (PP08 compares a unit's manager with the one the municipality knows), the
foster-home identity hash and conflict-of-interest screening, so it lives in the core and the
rules need not import the screening's numpy and rapidfuzz.
"""

from __future__ import annotations

import re
import unicodedata

_SPELLINGS = (("aa", "a"), ("ae", "a"), ("oe", "o"), ("w", "v"), ("z", "s"), ("ph", "f"))
_NON_LETTER = re.compile(r"[^a-z ]+")


def normalise(name: str) -> str:
    """Lower case, Swedish letters and their spellings folded, punctuation and hyphens to spaces."""
    text = name.lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _NON_LETTER.sub(" ", text)
    for spelling, plain in _SPELLINGS:
        text = text.replace(spelling, plain)
    return " ".join(text.split())
