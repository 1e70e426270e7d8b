"""Placeringskontroll: pre-placement checks and follow-up of children placed in care."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("placeringskontroll")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
