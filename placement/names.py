"""Names compared as people write them (pure: no numpy, no rapidfuzz).

Used by the rules that compare a person's name in two sources (PP08's föreståndare) and by the
screening (suppliers/screening.py), so both fold names the same way.
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
