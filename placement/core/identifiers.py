"""Swedish identifiers as pydantic types: validated by python-stdnum, stored in one normal form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.se import personnummer as _pnr

from placement.core.vocabulary import Sex

_REASONS: dict[type[Exception], str] = {
    InvalidChecksum: "kontrollsiffran stämmer inte",
    InvalidLength: "fel antal siffror (10 eller 12)",
    InvalidFormat: "får bara innehålla siffror och ett bindestreck eller plustecken",
    InvalidComponent: "födelsedatumet finns inte",
}


def normalise_personnummer(value: object) -> str:
    """Return the twelve-digit form (YYYYMMDDNNNN) of a valid personnummer.

    Accepts the usual written forms: ``YYMMDD-NNNN``, ``YYMMDD+NNNN`` (100 or older),
    ``YYYYMMDDNNNN`` and ``YYYYMMDD-NNNN``. (python-stdnum does not accept samordningsnummer;
    a child without a personnummer is recorded without one.)
    """
    if not isinstance(value, str):
        raise PydanticCustomError("personnummer", "Ogiltigt personnummer: ska anges som text")
    try:
        compact = _pnr.validate(value)
    except tuple(_REASONS) as error:
        reason = _REASONS[type(error)]
        raise PydanticCustomError(
            "personnummer", "Ogiltigt personnummer: {reason}", {"reason": reason}
        ) from None
    return birth_date_of(compact).strftime("%Y%m%d") + compact[-4:]


def birth_date_of(personnummer: str) -> dt.date:
    """The birth date a (valid) personnummer states, century included."""
    born: dt.date = _pnr.get_birth_date(personnummer)
    return born


def sex_of(personnummer: str) -> Sex:
    """Female or male, from the second-last digit (even: female)."""
    return Sex.FEMALE if _pnr.get_gender(personnummer) == "F" else Sex.MALE


Personnummer = Annotated[
    str,
    BeforeValidator(normalise_personnummer),
    Field(
        description="Personnummer; any usual written form in, twelve digits out.",
        examples=["20150312-9809"],
    ),
]


def _check_kommunkod(value: str) -> str:
    if not (len(value) == 4 and value.isdigit()):
        raise PydanticCustomError("kommunkod", "Ogiltig kommunkod: ska vara fyra siffror, t.ex. 0180")
    return value


Kommunkod = Annotated[
    str,
    AfterValidator(_check_kommunkod),
    Field(description="The municipality's four-digit code (kommunkod).", examples=["0180"]),
]
