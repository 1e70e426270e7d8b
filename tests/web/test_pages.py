"""The web application's pages over HTTP, as a browser without JavaScript uses them: who may see
what, the audit rows a page writes, CSRF, the security headers, and forms that keep the person's
values when something is wrong."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from placement.api.app import create_app
from placement.database.pool import Database
from placement.settings import IdentityProvider, Settings
from tests.conftest import SessionDatabase
from tests.web.conftest import Client, csrf_of, sign_in_as


async def a_placement_of(db: Database, email: str) -> tuple[str, str, str]:
    """An ongoing placement whose responsible social worker is ``email``: its id, the child's id
    and name."""
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            """SELECT p.id, c.id AS child_id, c.name FROM placement p
                 JOIN child c ON c.id = p.child_id
                 JOIN social_worker_assignment a ON a.child_id = p.child_id AND a.assigned_to IS NULL
                 JOIN staff s ON s.id = a.staff_id
                WHERE s.email = $1 AND p.end_date IS NULL ORDER BY c.name LIMIT 1""",
            email,
        )
    assert row is not None
    return str(row["id"]), str(row["child_id"]), row["name"]


async def test_social_worker_lands_on_their_worklist(demo_site: Client) -> None:
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    assert '<h1 id="rubrik">Mina barn</h1>' in page
    assert "Sami Socialsekreterare (demo)" in page
    assert "Sofia" not in page.split("<main", 1)[1]  # only Sami's own children


async def test_the_worklist_and_the_placement_page_are_in_the_audit_log(
    demo_site: Client, db: Database
) -> None:
    """Every child shown is a read of that child's data, under the person's name, as in the API."""
    await sign_in_as(demo_site, "sami@demo.invalid")
    async with db.transaction() as conn:
        shown = await conn.fetch(
            """SELECT DISTINCT child_id FROM audit_event
                WHERE actor = 'demo:sami@demo.invalid' AND action = 'read' AND object_type = 'child'"""
        )
        caseload = await conn.fetchval(
            """SELECT count(DISTINCT p.child_id) FROM placement p
                 JOIN social_worker_assignment a ON a.child_id = p.child_id AND a.assigned_to IS NULL
                 JOIN staff s ON s.id = a.staff_id WHERE s.email = 'sami@demo.invalid'"""
        )
    assert len(shown) == caseload > 0

    placement_id, child_id, name = await a_placement_of(db, "sami@demo.invalid")
    page = await (await demo_site.get(f"/placeringar/{placement_id}")).text()
    assert name in page
    async with db.transaction() as conn:
        kinds = {
            r["object_type"]
            for r in await conn.fetch(
                """SELECT object_type FROM audit_event
                    WHERE actor = 'demo:sami@demo.invalid' AND child_id = $1::uuid AND action = 'read'""",
                child_id,
            )
        }
    assert {"child", "placement", "decision", "social_worker_assignment"} <= kinds


async def test_another_units_child_is_not_found(demo_site: Client, db: Database) -> None:
    placement_id, _, name = await a_placement_of(db, "sofia@demo.invalid")
    await sign_in_as(demo_site, "sami@demo.invalid")
    response = await demo_site.get(f"/placeringar/{placement_id}")
    assert response.status == 404
    page = await response.text()
    assert "<h1>Sidan finns inte</h1>" in page
    assert name not in page


async def test_a_role_without_child_data_is_refused_with_a_swedish_page(demo_site: Client) -> None:
    await sign_in_as(demo_site, "ulf@demo.invalid")  # upphandlare: no child data
    response = await demo_site.get("/mina-barn")
    assert response.status == 403
    page = await response.text()
    assert "<h1>Du har inte behörighet till sidan</h1>" in page
    assert "Din roll ger inte åtkomst till den här sidan" in page


async def test_a_form_without_its_csrf_token_is_refused(demo_site: Client, db: Database) -> None:
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    await sign_in_as(demo_site, "sami@demo.invalid")
    data = {"occurred_on": "2026-01-05", "private_talk": "ja", "in_home": "ja"}
    for token in (None, "fel"):
        form = data if token is None else {**data, "csrf": token}
        response = await demo_site.post(f"/placeringar/{placement_id}/registrera/visit", data=form)
        assert response.status == 403
        assert "Formuläret kunde inte tas emot" in await response.text()
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM placement_event") == 0


async def test_a_visit_with_bad_input_comes_back_with_values_and_messages(
    demo_site: Client, db: Database
) -> None:
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    url = f"/placeringar/{placement_id}/registrera/visit"
    response = await demo_site.post(
        url, data={"csrf": csrf_of(page), "occurred_on": "2099-01-01", "private_talk": "ja"}
    )
    assert response.status == 422
    page = await response.text()
    future = "Datumet ligger i framtiden; registrera det som har hänt, senast i dag"
    assert f'href="#occurred_on">{future}</a>' in page
    assert 'href="#in_home">Svara ja eller nej: var besöket i barnets hem</a>' in page
    assert 'value="2099-01-01"' in page
    assert re.search(r'id="private_talk"[^>]*value="ja"[^>]*checked', page, re.S)
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM placement_event") == 0

    response = await demo_site.post(
        url,
        data={"csrf": csrf_of(page), "occurred_on": "2026-01-05", "private_talk": "ja", "in_home": "nej"},
        allow_redirects=False,
    )
    assert response.status == 303
    async with db.transaction() as conn:
        event = await conn.fetchrow(
            "SELECT kind, occurred_on::text, details, recorded_by FROM placement_event"
        )
        created = await conn.fetchval(
            "SELECT count(*) FROM audit_event WHERE action = 'create' AND object_type = 'placement_event'"
        )
    assert dict(event) == {
        "kind": "visit",
        "occurred_on": "2026-01-05",
        "details": {"private_talk": True, "in_home": False},
        "recorded_by": "demo:sami@demo.invalid",
    }
    assert created == 1


async def test_ending_a_placement_asks_for_confirmation_first(demo_site: Client, db: Database) -> None:
    """Ending is legally significant: the first submit shows what will happen and changes
    nothing; the confirmation ends the placement with its reason."""
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    form = {"end_date": "2026-11-01", "end_reason": "move", "note": "Flyttar till mormor"}
    response = await demo_site.post(
        f"/placeringar/{placement_id}/avsluta", data={"csrf": csrf_of(page), **form}
    )
    assert response.status == 200
    page = await response.text()
    assert "Vill du avsluta" in page
    assert "omplacering: Flyttar till mormor" in page
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT end_date FROM placement WHERE id = $1::uuid", placement_id) is None
    response = await demo_site.post(
        f"/placeringar/{placement_id}/avsluta",
        data={"csrf": csrf_of(page), **form, "step": "confirm"},
        allow_redirects=False,
    )
    assert response.status == 303
    async with db.transaction() as conn:
        ended = await conn.fetchrow(
            "SELECT end_date::text, end_reason, end_reason_note FROM placement WHERE id = $1::uuid",
            placement_id,
        )
    assert dict(ended) == {
        "end_date": "2026-11-01",
        "end_reason": "move",
        "end_reason_note": "Flyttar till mormor",
    }


async def test_ending_a_placement_before_it_started_is_refused_on_the_form(
    demo_site: Client, db: Database
) -> None:
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    response = await demo_site.post(
        f"/placeringar/{placement_id}/avsluta",
        data={
            "csrf": csrf_of(page),
            "end_date": "2000-01-01",
            "end_reason": "move",
            "note": "Flyttar till mormor",
            "step": "confirm",
        },
    )
    assert response.status == 422
    page = await response.text()
    assert "Slutdatum ligger före placeringens startdatum" in page
    assert "Flyttar till mormor</textarea>" in page
    assert re.search(r'id="end_reason-move"[^>]*checked', page, re.S)
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT end_date FROM placement WHERE id = $1::uuid", placement_id) is None


async def test_only_a_unit_lead_may_waive(demo_site: Client, db: Database) -> None:
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    assert "Efterge" not in (await (await demo_site.get(f"/placeringar/{placement_id}")).text())
    response = await demo_site.post(
        f"/placeringar/{placement_id}/efterge",
        data={"csrf": csrf_of(page), "kod": "FU10", "punkt": "", "datum": "2026-01-01", "reason": "Skäl nog"},
    )
    assert response.status == 403
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM obligation_waiver") == 0


async def test_a_unit_lead_can_switch_to_one_workers_list_and_filter(demo_site: Client, db: Database) -> None:
    await sign_in_as(demo_site, "tove@demo.invalid")
    async with db.transaction() as conn:
        sami = await conn.fetchval("SELECT id FROM staff WHERE email = 'sami@demo.invalid'")
    page = await (await demo_site.get(f"/mina-barn?handlaggare={sami}&status=overdue&kod=FU10")).text()
    assert '<h1 id="rubrik">Barn som Sami Socialsekreterare (demo) ansvarar för</h1>' in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", page, re.S)
    assert rows
    assert all("FU10" in r and "Försenad sedan" in r for r in rows)
    page = await (await demo_site.get("/enhetens-lage")).text()
    assert "Sami Socialsekreterare (demo)" in page
    assert "Sofia" not in page  # another unit


async def test_pages_carry_the_security_headers(demo_site: Client) -> None:
    response = await demo_site.get("/logga-in")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.cookies["pk_form"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    page = await response.text()
    assert "<script>" not in page
    assert 'href="#innehall">Gå direkt till innehållet</a>' in page
    assert '<html lang="sv">' in page


async def test_demo_users_are_never_offered_outside_demo_mode(
    demo_data: None, test_database: SessionDatabase, settings: Settings
) -> None:
    app = create_app(settings, dsn=test_database.service)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        page = await (await client.get("/logga-in")).text()
        assert "demo.invalid" not in page
        assert "Inloggning är inte konfigurerad" in page
        token = next(c.value for c in client.session.cookie_jar if c.key == "pk_form")
        response = await client.post(
            "/logga-in/demo", data={"csrf": token, "email": "petra@demo.invalid"}, allow_redirects=False
        )
        assert response.status == 404
        assert "pk_session" not in response.cookies


async def test_signing_out_ends_the_session(demo_site: Client, db: Database) -> None:
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    response = await demo_site.post("/logga-ut", data={"csrf": csrf_of(page)}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/utloggad"
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM web_session") == 0
    response = await demo_site.get("/mina-barn", allow_redirects=False)
    assert response.headers["Location"] == "/logga-in?next=/mina-barn"


async def test_an_unexpected_error_is_a_swedish_page_with_a_code(demo_site: Client, monkeypatch: Any) -> None:
    """A failure nobody planned for: a Swedish page that says it is logged and gives the
    request's code to quote, never a stack trace."""
    from placement.web import queries

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    await sign_in_as(demo_site, "sami@demo.invalid")
    monkeypatch.setattr(queries, "worklist", broken)
    response = await demo_site.get("/mina-barn")
    assert response.status == 500
    page = await response.text()
    assert "<h1>Något gick fel hos oss</h1>" in page
    assert response.headers["X-Request-Id"] in page
    assert "boom" not in page
    assert "Traceback" not in page


async def test_a_visit_is_corrected_by_a_new_event_that_replaces_it(demo_site: Client, db: Database) -> None:
    """A visit recorded without a private talk, corrected to one with: the correction is a new
    event naming the first (events are never edited), the form starts from the first one's
    values, and the obligation counts the corrected visit."""
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    url = f"/placeringar/{placement_id}/registrera/visit"
    visit = {"occurred_on": "2026-11-02", "private_talk": "nej", "in_home": "ja"}
    response = await demo_site.post(url, data={"csrf": csrf_of(page), **visit}, allow_redirects=False)
    assert response.status == 303
    async with db.transaction() as conn:
        first = await conn.fetchval("SELECT id FROM placement_event")

    page = await (await demo_site.get(f"{url}?rattar={first}")).text()
    assert "<h1>Rätta: besök</h1>" in page
    assert f'name="corrects" value="{first}"' in page
    assert 'value="2026-11-02"' in page
    assert re.search(r'id="private_talk-nej"[^>]*value="nej"[^>]*checked', page, re.S)

    response = await demo_site.post(
        url,
        data={"csrf": csrf_of(page), **visit, "private_talk": "ja", "corrects": str(first)},
        allow_redirects=False,
    )
    assert response.status == 303
    async with db.transaction() as conn:
        events = await conn.fetch("SELECT id, corrects, details FROM placement_event ORDER BY created_at")
    assert [e["corrects"] for e in events] == [None, first]
    assert events[1]["details"] == {"private_talk": True, "in_home": True}
    page = await (await demo_site.get(f"/placeringar/{placement_id}")).text()
    assert "Ersatt av en rättelse" in page
    assert "senaste enskilda samtal 2026-11-02" in page


async def test_the_worklist_downloads_for_excel_and_sorts_by_name(demo_site: Client, db: Database) -> None:
    """The same list as a CSV file Excel opens in Swedish (semicolons, UTF-8 with a BOM), every
    child in it read in the audit log; and the list by the child's name."""
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    assert "Ladda ner listan för Excel (CSV)" in page
    async with db.transaction() as conn:
        await conn.execute("TRUNCATE audit_event")
    response = await demo_site.get("/mina-barn.csv?ordning=namn")
    assert response.status == 200
    assert response.content_type == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="barn-')
    body = (await response.read()).decode("utf-8")
    assert body.startswith(
        "\ufeffBarn;Ålder;Hem;Placeringsform;Grund;Ansvarig;Nästa skyldighet;Kod;Senast;Läge"
    )
    rows = body.strip().split("\r\n")[1:]
    names = [r.split(";")[0] for r in rows]
    assert names == sorted(names)
    assert all(";Sami Socialsekreterare (demo);" in r for r in rows)
    async with db.transaction() as conn:
        read = await conn.fetchval(
            "SELECT count(DISTINCT child_id) FROM audit_event WHERE action = 'read' AND object_type = 'child'"
        )
    assert read == len(rows) > 0

    page = await (await demo_site.get("/mina-barn?ordning=namn")).text()
    shown = re.findall(r'<th scope="row"[^>]*><a href="/placeringar/[^"]+">([^<]+)</a>', page)
    assert shown == names


async def test_a_name_that_looks_like_a_formula_stays_text_in_excel(demo_site: Client, db: Database) -> None:
    _, child_id, _ = await a_placement_of(db, "sami@demo.invalid")
    async with db.transaction() as conn:
        await conn.execute("UPDATE child SET name = '=HYPERLINK(\"x\")' WHERE id = $1::uuid", child_id)
    await sign_in_as(demo_site, "sami@demo.invalid")
    body = (await (await demo_site.get("/mina-barn.csv")).read()).decode("utf-8")
    lines = body.split("\r\n")
    assert any(line.lstrip('"').startswith("'=HYPERLINK") for line in lines)
    assert not any(line.lstrip('"').startswith("=") for line in lines)


async def test_the_session_cookie_is_secure_when_people_use_https(
    demo_data: None, test_database: SessionDatabase, settings: Settings
) -> None:
    """Behind a proxy at an https address the cookies are Secure; only loopback goes without."""
    configured = settings.model_copy(update={"demo": True, "public_url": "https://placering.example.se"})
    async with TestClient(
        TestServer(create_app(configured, dsn=test_database.service), host="127.0.0.1")
    ) as client:
        response = await client.get("/logga-in")
        assert response.cookies["pk_form"]["secure"]
        html = await response.text()
        response = await client.post(
            "/logga-in/demo",
            data={"csrf": csrf_of(html), "email": "sami@demo.invalid"},
            cookies={"pk_form": response.cookies["pk_form"].value},
            allow_redirects=False,
        )
        assert response.status == 303
        cookie = response.cookies["pk_session"]
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["samesite"] == "Lax"


async def test_the_sign_in_page_offers_each_identity_provider(
    demo_data: None, test_database: SessionDatabase, settings: Settings
) -> None:
    """With identity providers per municipality, the person chooses theirs."""
    providers = [
        IdentityProvider(issuer=f"https://{host}.example", kommunkod="0000", audience="pk", jwks_url=None)
        for host in ("login-a", "login-b")
    ]
    configured = settings.model_copy(
        update={"oidc_providers": providers, "oidc_jwks_url": "https://login-a.example/jwks"}
    )
    async with TestClient(
        TestServer(create_app(configured, dsn=test_database.service), host="127.0.0.1")
    ) as client:
        page = await (await client.get("/logga-in?next=/mina-barn")).text()
    assert 'href="/logga-in/start?idp=0&amp;next=/mina-barn">Logga in via login-a.example</a>' in page
    assert 'href="/logga-in/start?idp=1&amp;next=/mina-barn">Logga in via login-b.example</a>' in page


async def test_failed_sign_ins_are_limited_per_client(
    demo_data: None, test_database: SessionDatabase, settings: Settings
) -> None:
    """As for the API: after too many failed sign-ins a client is refused for a while, with a
    Swedish page and Retry-After, even with a good choice."""
    configured = settings.model_copy(update={"demo": True, "signin_failure_limit": 2})
    async with TestClient(
        TestServer(create_app(configured, dsn=test_database.service), host="127.0.0.1")
    ) as client:
        html = await (await client.get("/logga-in")).text()
        for _ in range(2):
            response = await client.post(
                "/logga-in/demo", data={"csrf": csrf_of(html), "email": "ingen@demo.invalid"}
            )
            assert response.status == 401
        response = await client.post(
            "/logga-in/demo",
            data={"csrf": csrf_of(html), "email": "sami@demo.invalid"},
            allow_redirects=False,
        )
        assert response.status == 429
        assert int(response.headers["Retry-After"]) > 0
        page = await response.text()
        assert "<h1>För många misslyckade inloggningar</h1>" in page
        assert "pk_session" not in response.cookies


async def test_numbers_in_the_address_are_bounded(demo_site: Client) -> None:
    """A page number the database cannot take (past int64), or no number at all, is a Swedish 400
    page, on the list and on its CSV file; never a 500."""
    await sign_in_as(demo_site, "tove@demo.invalid")
    for path in ("/mina-barn", "/mina-barn.csv"):
        for bad in ("99999999999999999999", "0", "-5", "1e3", "tre", "9" * 5000):
            response = await demo_site.get(path, params={"sida": bad})
            assert response.status == 400, (path, bad[:20])
            page = await response.text()
            assert "Sidnumret i adressen ska vara ett heltal från 1 till 10 000" in page
    response = await demo_site.get("/mina-barn", params={"sida": "10000"})
    assert response.status == 200
    assert "Sida 10000 finns inte, listan har färre sidor" in await response.text()


async def test_a_moved_deadline_shows_both_days(demo_site: Client, db: Database) -> None:
    """An övervägande six months on falls on a Saturday or Sunday: the placement page and the
    worklist show the calendar day and, in words, the weekday lag (1930:173) moves it to."""
    from placement.core.clock import add_months, today_in_sweden
    from placement.core.statutory_time import rolled

    async with db.transaction() as conn:
        row = await conn.fetchrow(
            """SELECT p.id, p.start_date FROM placement p
                 JOIN social_worker_assignment a ON a.child_id = p.child_id AND a.assigned_to IS NULL
                 JOIN staff s ON s.id = a.staff_id
                WHERE s.email = 'sami@demo.invalid' AND p.end_date IS NULL AND p.legal_basis = 'sol'
                  AND p.form <> 'lss_boende' ORDER BY p.start_date LIMIT 1"""
        )
    today = today_in_sweden()
    held = next(
        today - dt.timedelta(days=n)
        for n in range(0, 60)
        if add_months(today - dt.timedelta(days=n), 6).weekday() == 6
    )
    assert held >= row["start_date"]
    due, moved = add_months(held, 6), rolled(add_months(held, 6))
    assert moved > due
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    response = await demo_site.post(
        f"/placeringar/{row['id']}/registrera/overvagande",
        data={"csrf": csrf_of(page), "occurred_on": held.isoformat()},
        allow_redirects=False,
    )
    assert response.status == 303
    page = await (await demo_site.get(f"/placeringar/{row['id']}")).text()
    fu01 = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if "FU01" in r)
    assert f"söndag {due.isoformat()}" in fu01
    assert f"Nästa vardag: måndag {moved.isoformat()} (lag 1930:173)" in fu01
    assert "om beräkning av lagstadgad tid till nästa vardag" in page
    page = await (await demo_site.get("/mina-barn", params={"kod": "FU01"})).text()
    assert f'söndag {due.isoformat()}</span><br><span class="muted">Nästa vardag: måndag {moved}' in page


async def test_the_placement_names_its_home_municipality_and_form_in_words(
    demo_site: Client, db: Database
) -> None:
    """The home with its municipality, the form and basis as words, and no genitive glued to a
    name's parenthesis; the CSV says the same."""
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            """SELECT p.id, c.name FROM placement p JOIN child c ON c.id = p.child_id
                WHERE p.home_name = 'Familjehemmet Björk (demo)' AND p.end_date IS NULL
                ORDER BY c.name LIMIT 1"""
        )
        responsible = await conn.fetchval(
            """SELECT s.email FROM social_worker_assignment a JOIN staff s ON s.id = a.staff_id
                 JOIN placement p ON p.child_id = a.child_id
                WHERE p.id = $1 AND a.assigned_to IS NULL""",
            row["id"],
        )
    await sign_in_as(demo_site, responsible)
    page = await (await demo_site.get(f"/placeringar/{row['id']}")).text()
    assert f"<title>Placering: {row['name']} – Placeringskontroll</title>" in page
    assert ")s " not in page
    assert "Familjehemmet Björk (demo), Demokommunen (syntetisk)</dd>" in page
    assert '<dd class="definition-list__definition">Familjehem</dd>' in page
    body = (await (await demo_site.get("/mina-barn.csv")).read()).decode("utf-8")
    line = next(r for r in body.split("\r\n") if r.startswith(row["name"]))
    assert ";Familjehemmet Björk (demo), Demokommunen (syntetisk);Familjehem;" in line
    assert body.split("\r\n")[0].endswith(";Senast, nästa vardag (lag 1930:173)")


async def test_a_form_from_another_site_is_never_kept(demo_site: Client, db: Database) -> None:
    """CSRF stays whole: a form another site makes the browser send (session ended or not) is
    refused with a page that says what happened, and nothing is kept; a kept form is only given
    back to the browser that sent it."""
    placement_id, _, _ = await a_placement_of(db, "sami@demo.invalid")
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    url = f"/placeringar/{placement_id}/registrera/visit"
    visit = {"csrf": "gammal-token", "occurred_on": "2026-11-02", "private_talk": "ja", "in_home": "ja"}
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://annan.example"}, {}):
        response = await demo_site.post(url, data=visit, headers=headers, allow_redirects=False)
        assert response.status == 403
        text = await response.text()
        assert "<h1>Formuläret kunde inte tas emot</h1>" in text
        assert "Be din chef" not in text
    async with db.transaction() as conn:
        assert await conn.fetchval("SELECT count(*) FROM web_form_draft") == 0

    # From this service's own page with an old token: kept, and back on the form at once.
    response = await demo_site.post(
        url, data=visit, headers={"Sec-Fetch-Site": "same-origin"}, allow_redirects=False
    )
    assert response.status == 303
    location = response.headers["Location"]
    assert re.fullmatch(re.escape(url) + r"\?utkast=[A-Za-z0-9_-]{32}", location)
    cookie = response.cookies["pk_utkast"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    async with db.transaction() as conn:
        kept = await conn.fetchval("SELECT form FROM web_form_draft")
    assert kept == {"occurred_on": "2026-11-02", "private_talk": "ja", "in_home": "ja"}

    demo_site.session.cookie_jar.clear(lambda c: c.key == "pk_utkast")  # another browser
    text = await (await demo_site.get(location)).text()
    assert "Det du skrev finns inte kvar" in text
    assert 'value="2026-11-02"' not in text
    assert csrf_of(text) != "gammal-token"
    assert csrf_of(page) == csrf_of(text)


async def test_signing_out_twice_just_says_signed_out(demo_site: Client) -> None:
    """'Logga ut' in a second tab after signing out in the first: the signed-out page, not a
    refusal."""
    page = await sign_in_as(demo_site, "sami@demo.invalid")
    for _ in range(2):
        response = await demo_site.post("/logga-ut", data={"csrf": csrf_of(page)}, allow_redirects=False)
        assert response.status == 303
        assert response.headers["Location"] == "/utloggad"
