"""How the pages write dates, ages, states and vocabulary values, in Swedish (pure)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import jinja2

from followup.obligations import State
from placement.core import concern_vocabulary, supplier_vocabulary
from placement.core.clock import SWEDEN, today_in_sweden
from placement.core.vocabulary import DecisionKind, LegalBasis, PlacementForm, label

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")

STATE_WORDS = {
    State.OVERDUE: "Försenad",
    State.DUE_SOON: "Snart",
    State.OPEN: "Öppen",
    State.MET: "Uppfylld",
    State.WAIVED: "Efterskänkt",
}
# FKUI badge colours; the words carry the meaning, the colour repeats it.
STATE_BADGES = {
    State.OVERDUE: "badge--error",
    State.DUE_SOON: "badge--warning",
    State.OPEN: "badge--info",
    State.MET: "badge--success",
    State.WAIVED: "badge--default",
}


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def deadline(value: dt.date | None) -> str:
    """A due date with its weekday: 'fredag 2026-12-04'."""
    return f"{WEEKDAYS[value.weekday()]} {value.isoformat()}" if value else ""


def next_weekday(due: dt.date | None, rolled: dt.date | None) -> str:
    """Where a statutory period's last day falls on a day off and lag (1930:173) would move it:
    'Nästa vardag: måndag 2025-02-03 (lag 1930:173)'; empty where it does not move."""
    if due is None or rolled is None or rolled == due:
        return ""
    return f"Nästa vardag: {deadline(rolled)} (lag 1930:173)"


def days_word(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dagar"


def state_words(state: State | str | None, due: dt.date | None, today: dt.date | None = None) -> str:
    """The state in words, with how late or how soon: 'Försenad sedan 3 dagar', 'Förfaller om 5 dagar'."""
    if state is None:
        return "Inget att göra"
    state = State(state)
    today = today or today_in_sweden()
    if due is not None and state is State.OVERDUE:
        return f"Försenad sedan {days_word((today - due).days)}"
    if due is not None and state is State.DUE_SOON:
        left = (due - today).days
        return "Förfaller i dag" if left == 0 else f"Förfaller om {days_word(left)}"
    return STATE_WORDS[state]


def badge(state: State | str | None) -> str:
    return STATE_BADGES[State(state)] if state else "badge--default"


def age(birth: dt.date, today: dt.date | None = None) -> int:
    today = today or today_in_sweden()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def swedish(value: StrEnum | None) -> str:
    return label(value) if value is not None else ""


def sentence(text: str) -> str:
    """A value standing alone, as a sentence starts: 'familjehem' -> 'Familjehem' (the rest as is:
    'LSS' stays 'LSS', unlike Jinja's capitalize)."""
    return text[:1].upper() + text[1:]


_BY_VALUE: dict[str, str] = {
    **{str(k): v for k, v in supplier_vocabulary.LABELS.items()},
    **{str(e): label(e) for kind in (PlacementForm, LegalBasis, DecisionKind) for e in kind},
}


def term(value: StrEnum | str | None) -> str:
    """A vocabulary value in Swedish, from the service's or the register's vocabulary (a stored
    check run's facts hold the values as text)."""
    if value is None:
        return ""
    return _BY_VALUE.get(str(value), str(value))


def concern_word(value: StrEnum | str | None) -> str:
    """A value of the reports-of-concern vocabulary in Swedish."""
    if value is None:
        return ""
    for vocabulary in concern_vocabulary.VOCABULARIES:
        if value in {v.value for v in vocabulary}:
            return concern_vocabulary.label(vocabulary(value))
    return str(value)


def moment(value: dt.datetime | None) -> str:
    """A moment in Swedish time: '2026-03-02 14:05'."""
    return value.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M") if value else ""


def install(env: jinja2.Environment) -> None:
    env.filters.update(
        day=day,
        deadline=deadline,
        next_weekday=next_weekday,
        state_words=state_words,
        badge=badge,
        age=age,
        swedish=swedish,
        concern_word=concern_word,
        moment=moment,
        sentence=sentence,
        term=term,
    )
