"""One headless Chromium for the whole test session (Debian's, through Playwright's
``executable_path``: no browser download), axe-core on every page, a screenshot of each."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENS = Path(__file__).parents[2] / "test-artifacts" / "screens"

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is missing (apt-get install chromium)")


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Chromium is missing (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        await browser.close()


@pytest.fixture
async def page(chromium: Any) -> AsyncIterator[Any]:
    """A fresh browser context (no cookies) and page for one test."""
    context = await chromium.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    tab = await context.new_page()
    yield tab
    await context.close()


async def checked(page: Any, name: str) -> None:
    """axe-core finds no violation on the page as it is now; a full-page screenshot is kept."""
    from axe_playwright_python.async_playwright import Axe

    SCREENS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(
        path=str(SCREENS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"), full_page=True
    )
    results = await Axe().run(page)
    assert results.violations_count == 0, f"{name}: {results.generate_report()}"


async def tab_to(page: Any, locator: Any, *, limit: int = 60) -> None:
    """Move focus with the Tab key alone until ``locator`` has it."""
    handle = await locator.element_handle()
    for _ in range(limit):
        if await page.evaluate("(el) => el === document.activeElement", handle):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")
