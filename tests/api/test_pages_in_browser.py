"""The pages as a person's browser shows them: headless Chromium against the real server on loopback.

Chromium is a system package (``apt-get install chromium``); ``.ci/run`` installs it. Where it is
missing these tests are skipped with that reason rather than failing a newcomer's first run.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is missing (apt-get install chromium)")


async def rendered_dom(url: str, profile: Path) -> str:
    """The DOM after the page has loaded, as Chromium built it."""
    assert CHROMIUM is not None
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--dump-dom",
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0
    return stdout.decode()


async def test_docs_page_in_a_browser(client: TestClient[Any, Any], tmp_path: Path) -> None:
    """The docs page loads in a real browser and shows every operation and the Swedish headings."""
    dom = await rendered_dom(str(client.make_url("/docs")), tmp_path)
    assert '<html lang="sv">' in dom
    assert "<h1>API-dokumentation</h1>" in dom
    assert 'id="op-create_placement"' in dom
    assert "Registrera placering" in dom


async def test_error_page_in_a_browser(client: TestClient[Any, Any], tmp_path: Path) -> None:
    """A page that does not exist: a Swedish page that names the address and says what to do."""
    dom = await rendered_dom(str(client.make_url("/finns-inte")), tmp_path)
    assert "<h1>Sidan finns inte</h1>" in dom
    assert "Adressen <code>/finns-inte</code> leder inte till någon sida" in dom
    assert '<a href="/logga-in">logga in</a>' in dom
