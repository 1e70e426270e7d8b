"""Typed application state keys."""

from __future__ import annotations

from typing import Any

import jinja2
from aiohttp import web

from placement.database.pool import Database
from placement.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
OPENAPI = web.AppKey("openapi", dict[str, Any])
TEMPLATES = web.AppKey("templates", jinja2.Environment)
