"""A real OpenID Connect provider on loopback (npm oidc-provider, tests/oidc/provider.mjs), and a
way to sign in through it over HTTP as a browser would: the service's start page, the provider's
login and consent pages, back to the service with a code."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

PROVIDER_DIR = Path(__file__).parents[1] / "oidc"
CLIENT_ID = "placeringskontroll-web"
NODE = shutil.which("node")

# Who can sign in at the test provider: demo staff of the demo municipality (kommunkod 0000).
ACCOUNTS = {
    "sami": {
        "email": "sami@demo.invalid",
        "email_verified": True,
        "kommunkod": "0000",
        "roles": ["socialsekreterare"],
        "name": "Sami",
    },
    "tove": {
        "email": "tove@demo.invalid",
        "email_verified": True,
        "kommunkod": "0000",
        "roles": ["teamledare"],
        "name": "Tove",
    },
    "okand": {"email": "okand@demo.invalid", "email_verified": True, "kommunkod": "9999", "roles": []},
}


def missing_provider() -> str | None:
    if NODE is None:
        return "Node.js is missing (needed for the test OpenID provider)"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "the test OpenID provider is not installed (cd tests/oidc && npm ci)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Provider:
    issuer: str
    service_port: int

    @property
    def service(self) -> str:
        return f"http://127.0.0.1:{self.service_port}"


@asynccontextmanager
async def running_provider(*, code_ttl_s: int = 60) -> AsyncIterator[Provider]:
    """The provider on a free port, its one client redirecting to the service on another free port."""
    reason = missing_provider()
    if reason:
        pytest.skip(reason)
    assert NODE is not None
    port, service_port = free_port(), free_port()
    service = f"http://127.0.0.1:{service_port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "REDIRECT_URI": f"{service}/logga-in/klar",
        "POST_LOGOUT_URI": f"{service}/utloggad",
        "ACCOUNTS": json.dumps(ACCOUNTS),
        "CODE_TTL": str(code_ttl_s),
        "NODE_ENV": "test",
    }
    process = await asyncio.create_subprocess_exec(
        NODE,
        str(PROVIDER_DIR / "provider.mjs"),
        env=env,
        cwd=PROVIDER_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        assert line.startswith(b"ready"), line
        yield Provider(issuer=f"http://127.0.0.1:{port}", service_port=service_port)
    finally:
        process.terminate()
        await process.wait()


_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


async def through_provider(http: aiohttp.ClientSession, start_url: str, account: str) -> str:
    """Follow a sign-in from ``start_url`` through the provider's login and consent pages; returns
    the URL the provider sends the browser back to (the service's callback), not yet followed."""
    url = start_url
    for _ in range(12):
        async with http.get(url, allow_redirects=False) as response:
            if response.status in (302, 303):
                url = str(response.url.join(aiohttp.client.URL(response.headers["Location"])))
                if urlsplit(url).path == "/logga-in/klar":
                    return url
                continue
            page = await response.text()
        action = _FORM_ACTION.search(page)
        assert action is not None, page
        target = str(response.url.join(aiohttp.client.URL(action.group(1))))
        form: dict[str, Any] = (
            {"prompt": "login", "login": account, "password": "x"}
            if 'name="login"' in page
            else {"prompt": "consent"}
        )
        async with http.post(target, data=form, allow_redirects=False) as posted:
            assert posted.status in (302, 303), await posted.text()
            url = str(posted.url.join(aiohttp.client.URL(posted.headers["Location"])))
            if urlsplit(url).path == "/logga-in/klar":
                return url
    raise AssertionError("the provider never sent the browser back")
