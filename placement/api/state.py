"""Typed application state keys."""

from __future__ import annotations

from typing import Any

import aiohttp
import jinja2
from aiohttp import web

from placement.api.throttle import FailedSignIns
from placement.database.pool import Database
from placement.oidc import TokenVerifier
from placement.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
REGISTER_DATABASE = web.AppKey("register_database", Database)
OPENAPI = web.AppKey("openapi", dict[str, Any])
TEMPLATES = web.AppKey("templates", jinja2.Environment)
TOKEN_VERIFIER = web.AppKey("token_verifier", TokenVerifier)
HTTP_CLIENT = web.AppKey("http_client", aiohttp.ClientSession)
SIGNIN_THROTTLE = web.AppKey("signin_throttle", FailedSignIns)
