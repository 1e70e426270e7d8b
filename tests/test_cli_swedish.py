"""The ``placement`` command speaks Swedish: argparse's own headings, help line and error messages,
and every help text of every command. In-process (the parser only), so it runs in the everyday
loop; tests/test_cli.py checks the same through a real process."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from placement.cli import EXIT_USAGE, build_parser

ARGPARSE_ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "show this help message and exit",
    "error:",
    "invalid choice",
    "the following arguments are required",
    "unrecognized arguments",
    "invalid int value",
)
# Words a help text in English can hardly do without, and a Swedish one never uses.
ENGLISH_WORDS = re.compile(r"\b(the|and|of|to|for|from|with|this|only|every|a|an|or|is|it)\b", re.IGNORECASE)


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every sub-command's parser, depth first."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from parsers(sub)


def help_texts(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """(where, text) of the description and of every help text the parser shows, sub-commands'
    one-line help included."""
    if parser.description:
        yield parser.prog, parser.description
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            yield f"{parser.prog} {'/'.join(action.option_strings) or action.dest}", action.help
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help:
                    yield f"{parser.prog} {choice.dest}", choice.help


def error_of(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The error line ``placement`` prints for these arguments (and exits with the usage code)."""
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == EXIT_USAGE
    return capsys.readouterr().err


def test_every_help_page_has_swedish_headings_and_no_argparse_english() -> None:
    """Every command's help page: Swedish headings and help line, none of argparse's English."""
    pages = {p.prog: p.format_help() for p in parsers(build_parser())}
    assert len(pages) > 20  # every command and sub-command was visited
    for prog, page in pages.items():
        assert page.startswith(f"användning: {prog}"), prog
        assert "flaggor:" in page, prog
        assert "visa den här hjälpen och avsluta" in page, prog
        assert [e for e in ARGPARSE_ENGLISH if e in page] == [], prog
    assert "argument:" in pages["placement"]


def test_every_help_text_is_in_swedish() -> None:
    """No description or help text of any command reads as English."""
    english = [
        (where, text)
        for parser in parsers(build_parser())
        for where, text in help_texts(parser)
        if ENGLISH_WORDS.search(text)
    ]
    assert english == []


def test_the_english_word_check_can_fail() -> None:
    """The check above recognises an English help text and passes a Swedish one."""
    assert ENGLISH_WORDS.search("list the municipality's tokens")
    assert not ENGLISH_WORDS.search("lista en kommuns nycklar (standard 90)")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["serve", "--port", "many"],
            "placement: argumentet --port: ogiltigt värde: 'many' (se placement --help)\n",
        ),
        (
            ["token", "create"],
            "placement: följande argument saknas: kommunkod, namn, --role (se placement --help)\n",
        ),
        (["version", "--extra"], "placement: okända argument: --extra (se placement --help)\n"),
        (
            ["audit", "sample", "0180", "--month"],
            "placement: argumentet --month: ett värde förväntades (se placement --help)\n",
        ),
    ],
)
def test_errors_are_one_swedish_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong command line gets one Swedish line and exit code 2."""
    assert error_of(argv, capsys) == expected


def test_an_unknown_command_is_named_in_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown command is an invalid choice, listed with the commands there are."""
    error = error_of(["nope"], capsys)
    assert error.startswith("placement: argumentet KOMMANDO: ogiltigt val: 'nope' (välj bland 'serve', ")
    assert error.count("\n") == 1


def test_other_parsers_in_the_process_keep_argparse_english(capsys: pytest.CaptureFixture[str]) -> None:
    """The Swedish texts are swapped in only while the CLI's parser works: a plain ArgumentParser
    built after it still speaks argparse's own English."""
    build_parser().format_help()
    error_of(["nope"], capsys)
    plain = argparse.ArgumentParser(prog="other")
    assert plain.format_help().startswith("usage: other")
    assert "show this help message and exit" in plain.format_help()
