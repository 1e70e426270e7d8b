"""Conflict-of-interest screening: who among staff and their declared relatives matches a provider
officer (pure).

Identifier matches (personnummer) are certain. Names are compared after Swedish normalisation
(å, ä, ö and their common spellings aa, ae, oe; hyphenated double surnames; case and
punctuation) with rapidfuzz's token-set ratio, which ignores name order and extra middle names;
an agreeing birth date raises the score and a disagreeing one lowers it. Scores are graded 0-100
so a review queue can be ordered. Work is set-based: names are blocked by shared name keys and
each block is scored as one matrix (rapidfuzz.process.cdist), never a Python loop over all pairs.

Two names are compared only if they share a key made of two name parts' first letters, so a
shared first name alone never makes a match; the price is that a misspelt first letter ("Cristina"
for "Kristina") is not found by name, only by identifier.

Organisation names (a declared engagement without an organisationsnummer) are compared with the
common company words removed: sharing only "Omsorg AB" is no match.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from placement.core.names import normalise
from suppliers.records import Officer, Provider

BIRTH_DATE_AGREES = 10
BIRTH_DATE_DISAGREES = -35
NAME_THRESHOLD = 75

COMPANY_WORDS = frozenset(
    {
        "ab",
        "aktiebolag",
        "hb",
        "kb",
        "ek",
        "for",
        "ekonomisk",
        "forening",
        "stiftelse",
        "stiftelsen",
        "omsorg",
        "omsorgen",
        "vard",
        "varden",
        "care",
        "hvb",
        "hem",
        "hemmet",
        "boende",
        "stod",
        "stodboende",
        "behandling",
        "familjehem",
        "familjehemsvard",
        "konsult",
        "gruppen",
        "group",
        "i",
        "och",
        "sverige",
        "sweden",
        "the",
    }
)


@dataclass(frozen=True)
class ChainedOfficer:
    """A person among a provider's officers, directly or through legal persons (a holding company
    that owns the provider or sits on its board, and its own officers, and so on)."""

    provider_orgnr: str
    officer: Officer
    via: tuple[str, ...]  # the legal persons' orgnr between the provider and the person, outermost first


def people_behind(providers: Mapping[str, Provider], depth: int) -> list[ChainedOfficer]:
    """Every person among each provider's officers, following legal persons among them to their own
    officers in the register up to ``depth`` links (policy), never round a loop. A legal person is
    never returned as a person: its name is a company's, not a person's."""
    found: list[ChainedOfficer] = []
    for orgnr, provider in providers.items():
        stack: list[tuple[Provider, tuple[str, ...]]] = [(provider, ())]
        while stack:
            company, via = stack.pop()
            for officer in company.officers:
                if not officer.is_legal_person:
                    found.append(ChainedOfficer(orgnr, officer, via))
                elif (
                    officer.orgnr is not None
                    and len(via) < depth
                    and officer.orgnr not in via
                    and officer.orgnr != orgnr
                    and officer.orgnr in providers
                ):
                    stack.append((providers[officer.orgnr], (*via, officer.orgnr)))
    return found


def organisation_words(name: str) -> str:
    """An organisation's name without the words most organisations share."""
    return " ".join(w for w in normalise(name).split() if w not in COMPANY_WORDS)


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    birth_date: dt.date | None = None
    personnummer: str | None = None


@dataclass(frozen=True)
class Match:
    left: str
    right: str
    score: int
    basis: str  # "personnummer" | "name"


def _block_keys(name: str) -> set[str]:
    """Keys two names must share to be compared: every pair of their name parts' first letters
    (so name order, middle names and double surnames still meet), or the single part a one-part
    name has."""
    parts = sorted({token[:3] for token in name.split() if len(token) >= 2})
    if len(parts) == 1:
        return {parts[0]}
    return {f"{a}|{b}" for n, a in enumerate(parts) for b in parts[n + 1 :]}


def _blocks(names: Sequence[str]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        for key in _block_keys(name):
            index[key].append(i)
    return index


def screen_people(
    left: Sequence[Person], right: Sequence[Person], *, threshold: int = NAME_THRESHOLD
) -> list[Match]:
    """Every left-right pair whose identifiers or names match, best score per pair."""
    best: dict[tuple[int, int], tuple[int, str]] = {}
    by_pnr: dict[str, list[int]] = defaultdict(list)
    for j, person in enumerate(right):
        if person.personnummer:
            by_pnr[person.personnummer].append(j)
    for i, person in enumerate(left):
        for j in by_pnr.get(person.personnummer or "", []):
            best[(i, j)] = (100, "personnummer")

    left_names = [normalise(p.name) for p in left]
    right_names = [normalise(p.name) for p in right]
    left_blocks, right_blocks = _blocks(left_names), _blocks(right_names)
    for key, lefts in left_blocks.items():
        rights = right_blocks.get(key)
        if not rights:
            continue
        scores = process.cdist(
            [left_names[i] for i in lefts],
            [right_names[j] for j in rights],
            scorer=fuzz.token_set_ratio,
            dtype=np.uint8,
            workers=1,
        )
        for a, b in zip(*np.nonzero(scores >= threshold - BIRTH_DATE_AGREES), strict=True):
            i, j = lefts[int(a)], rights[int(b)]
            score = int(scores[a, b]) + _birth_date_adjustment(left[i].birth_date, right[j].birth_date)
            score = max(0, min(100, score))
            if score >= threshold and score > best.get((i, j), (-1, ""))[0]:
                best[(i, j)] = (score, "name")
    return [Match(left[i].key, right[j].key, score, basis) for (i, j), (score, basis) in sorted(best.items())]


def _birth_date_adjustment(a: dt.date | None, b: dt.date | None) -> int:
    if a is None or b is None:
        return 0
    return BIRTH_DATE_AGREES if a == b else BIRTH_DATE_DISAGREES


def screen_organisations(
    declared: Sequence[tuple[str, str]], providers: Sequence[tuple[str, str]], *, threshold: int = 90
) -> list[Match]:
    """Declared organisation names against provider names, company words removed; (key, name) pairs."""
    left = [(k, organisation_words(n)) for k, n in declared]
    right = [(k, organisation_words(n)) for k, n in providers]
    left = [(k, n) for k, n in left if n]
    right = [(k, n) for k, n in right if n]
    if not left or not right:
        return []
    scores = process.cdist(
        [n for _, n in left], [n for _, n in right], scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1
    )
    return [
        Match(left[int(a)][0], right[int(b)][0], int(scores[a, b]), "name")
        for a, b in zip(*np.nonzero(scores >= threshold), strict=True)
    ]


def naive_screen(
    left: Sequence[Person], right: Sequence[Person], *, threshold: int = NAME_THRESHOLD
) -> list[Match]:
    """The same definition of a match, evaluated pair by pair: what the blocked version must equal,
    and what it is measured against (tests and benchmarks only)."""
    found = []
    for person in left:
        keys = _block_keys(normalise(person.name))
        for other in right:
            if person.personnummer and person.personnummer == other.personnummer:
                found.append(Match(person.key, other.key, 100, "personnummer"))
                continue
            if not keys & _block_keys(normalise(other.name)):
                continue
            score = round(fuzz.token_set_ratio(normalise(person.name), normalise(other.name)))
            score = max(0, min(100, score + _birth_date_adjustment(person.birth_date, other.birth_date)))
            if score >= threshold:
                found.append(Match(person.key, other.key, score, "name"))
    return found
