"""argparse in Swedish: its own headings, help line and error messages.

argparse looks every text of its own up through ``gettext`` when it uses it (the module-level
names ``_`` and ``ngettext`` in ``argparse``), and Python ships no Swedish catalogue for it. A
:class:`SwedishParser` swaps in the Swedish texts below while it builds itself, parses and formats
help, and puts the originals back afterwards, so other parsers in the same process are untouched.
A text missing here stays in English rather than failing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

SWEDISH: dict[str, str] = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa programmets version och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "följande argument saknas: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ogiltigt val: %(value)r (välj bland %(choices)s)",
    "invalid %(type)s value: %(value)r": "ogiltigt värde: %(value)r",
    "expected one argument": "ett värde förväntades",
    "expected at most one argument": "högst ett värde förväntades",
    "expected at least one argument": "minst ett värde förväntades",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tvetydig flagga: %(option)s kan vara %(matches)s"
    ),
    "not allowed with argument %s": "får inte användas tillsammans med %s",
    "one of the arguments %s is required": "ett av argumenten %s krävs",
    "ignored explicit argument %r": "värdet %r ignorerades",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "okänt kommando %(parser_name)r (välj bland %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "kan inte öppna '%(filename)s': %(error)s",
    "unexpected option string: %s": "oväntad flagga: %s",
}
SWEDISH_PLURAL: dict[str, tuple[str, str]] = {
    "expected %s argument": ("%s värde förväntades", "%s värden förväntades"),
}


def swedish(message: str) -> str:
    """argparse's text in Swedish, or as it was when there is no translation."""
    return SWEDISH.get(message, message)


def swedish_plural(singular: str, plural: str, n: int) -> str:
    found = SWEDISH_PLURAL.get(singular)
    if found is None:
        return singular if n == 1 else plural
    return found[0] if n == 1 else found[1]


@contextmanager
def in_swedish() -> Iterator[None]:
    """While the block runs, argparse looks its texts up in Swedish."""
    names: dict[str, Callable[..., str]] = {"_": swedish, "ngettext": swedish_plural}
    saved = {name: getattr(argparse, name) for name in names}
    for name, function in names.items():
        setattr(argparse, name, function)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(argparse, name, function)


class SwedishParser(argparse.ArgumentParser):
    """An ArgumentParser whose own texts (headings, the help line, errors) are in Swedish."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with in_swedish():
            super().__init__(*args, **kwargs)

    def parse_args(  # type: ignore[override]  # typeshed overloads it per namespace type
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        with in_swedish():
            return super().parse_args(args, namespace)

    def parse_known_args(  # type: ignore[override]  # as parse_args
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        with in_swedish():
            return super().parse_known_args(args, namespace)

    def add_subparsers(self, **kwargs: Any) -> argparse._SubParsersAction:  # type: ignore[type-arg]
        with in_swedish():
            return super().add_subparsers(**kwargs)

    def format_usage(self) -> str:
        with in_swedish():
            return super().format_usage()

    def format_help(self) -> str:
        with in_swedish():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with in_swedish():
            super().error(message)
