"""The web application's pages over HTTP, as a browser without JavaScript uses them."""

from __future__ import annotations

from tests.web.conftest import Client, sign_in_as


async def test_social_worker_lands_on_their_worklist(demo_site: Client) -> None:
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    assert "<h1>Mina barn</h1>" in page
    assert "Sami Socialsekreterare (demo)" in page
