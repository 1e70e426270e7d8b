"""The ``placement`` command.

Every command configures logging first. Errors the service expects (bad arguments, an unreachable
database, a failed migration) end in one readable line on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import json
import os
import secrets
import signal
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import aiohttp
import asyncpg
import structlog
from aiohttp import web
from pydantic import SecretStr, ValidationError

from followup.store import SCAN_WORKERS, scan
from placement import __version__, onboarding_format, rule_catalogue
from placement.argparse_sv import SwedishParser
from placement.audit import Actor
from placement.bench.demo import load_demo
from placement.core.clock import today_in_sweden
from placement.core.rulebook import all_rules
from placement.core.vocabulary import StaffRole
from placement.database import roles
from placement.database.migrator import migrate, pending
from placement.database.pool import Connection, connect_with_retry, init_connection, scope_to
from placement.errors import BadRequest, DatabaseUnavailable, NotFound, PlacementError
from placement.foster_identity import load_or_create_key
from placement.logs import configure_logging
from placement.models import AuditQuery, AuditSampleQuery, MunicipalityIn
from placement.onboarding import onboard
from placement.repositories.api_tokens import ApiTokenRepository
from placement.repositories.audit_log import AuditLogRepository
from placement.repositories.date_report import date_problems
from placement.repositories.integrity import run_screening
from placement.repositories.municipalities import MunicipalityRepository
from placement.repositories.operator_tokens import OperatorTokenRepository
from placement.repositories.providers import permits_to_reverify
from placement.runtime import database_urls
from placement.settings import Settings
from suppliers.bolagsverket import BolagsverketClient, reverify
from suppliers.formats import Feed, FileRejected
from suppliers.permit_capture import capture
from suppliers.records import Permit
from suppliers.service import run_import

log = structlog.get_logger(__name__)

EXIT_ERROR = 1
EXIT_USAGE = 2


class _Parser(SwedishParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"placement: {message} (se placement --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="placement", description="Placeringskontroll: kontroller före och efter placering.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO", parser_class=_Parser)

    serve = commands.add_parser("serve", help="starta HTTP-tjänsten")
    serve.add_argument("--demo", action="store_true", help="läs först in den syntetiska demokommunen")
    serve.add_argument(
        "--host", metavar="ADRESS", help="adress att lyssna på (standard: PLACEMENT_HOST eller 127.0.0.1)"
    )
    serve.add_argument(
        "--port", metavar="PORT", type=int, help="port att lyssna på (standard: PLACEMENT_PORT eller 8080)"
    )
    serve.add_argument("--no-migrate", action="store_true", help="kör inte väntande migreringar vid start")
    serve.add_argument(
        "--allow-demo-on-external-database",
        action="store_true",
        help="tillåt --demo mot DATABASE_URL (demoläget litar på inloggningshuvuden)",
    )

    setup = commands.add_parser(
        "setup-database",
        help="skapa tjänstens roller och databas på er egen server (körs en gång, som superanvändare)",
    )
    setup.add_argument(
        "admin_url",
        metavar="admin-url",
        help="serverns URL för en superanvändare, t.ex. postgresql://postgres@dbhost/postgres",
    )
    setup.add_argument(
        "--database", metavar="NAMN", default="placement", help="databasen som skapas (standard: placement)"
    )

    commands.add_parser("migrate", help="kör väntande databasmigreringar")
    commands.add_parser("demo", help="läs in den syntetiska demokommunen (kan köras flera gånger)")
    commands.add_parser("version", help="skriv ut versionen")
    bench = commands.add_parser(
        "bench", help="kör alla prestandamätningar och skriv ut siffrorna (misslyckas aldrig på tid)"
    )
    bench.add_argument("--quick", action="store_true", help="små storlekar, för CI")
    bench.add_argument("--json", type=Path, metavar="FIL", help="skriv också siffrorna till den här filen")
    rules = commands.add_parser("rules", help="lista alla regler: kod, allvarlighet, rubrik, lagrum")
    rules.add_argument("--json", action="store_true", help="som JSON")

    token = commands.add_parser("token", help="hantera API-nycklar för integrationer")
    token_commands = token.add_subparsers(dest="action", required=True, parser_class=_Parser)
    create = token_commands.add_parser("create", help="skapa en nyckel; den skrivs ut en gång")
    create.add_argument("kommunkod", help="kommunen som nyckeln gäller för")
    create.add_argument("name", metavar="namn", help="vad som använder nyckeln, t.ex. 'Verksamhetssystemet'")
    create.add_argument(
        "--role",
        action="append",
        required=True,
        choices=[r.value for r in StaffRole],
        help="upprepa för fler roller",
    )
    create.add_argument(
        "--days", metavar="DAGAR", type=int, default=90, help="dagar tills den upphör att gälla (standard 90)"
    )
    listing = token_commands.add_parser("list", help="lista en kommuns nycklar")
    listing.add_argument("kommunkod")
    revoke = token_commands.add_parser("revoke", help="återkalla en nyckel omedelbart")
    revoke.add_argument("kommunkod")
    revoke.add_argument("token_id", metavar="nyckel-id", type=uuid.UUID, help="nyckelns id (från list)")

    for feed, what in (
        (Feed.IVO, "IVO:s register över enheter, tillstånd och ingripanden"),
        (Feed.COMPANIES, "bolagsregistret (status, F-skatt, företrädare)"),
    ):
        importer = commands.add_parser(f"import-{feed.value}", help=f"läs in {what} från en fil eller URL")
        importer.add_argument("source", metavar="källa", help="en CSV- eller JSON-fil, eller en http(s)-URL")
        importer.set_defaults(feed=feed)

    operator = commands.add_parser("operator-token", help="nycklar för driftens egna integrationer")
    operator_commands = operator.add_subparsers(dest="action", required=True, parser_class=_Parser)
    op_create = operator_commands.add_parser(
        "create", help="skapa en nyckel för registerinläsning; skrivs ut en gång"
    )
    op_create.add_argument("name", metavar="namn", help="vad som använder den, t.ex. 'IVO-hämtning'")
    op_create.add_argument(
        "--days", metavar="DAGAR", type=int, default=90, help="dagar tills den upphör att gälla (standard 90)"
    )
    operator_commands.add_parser("list", help="lista driftens nycklar")
    op_revoke = operator_commands.add_parser("revoke", help="återkalla en driftnyckel omedelbart")
    op_revoke.add_argument("token_id", metavar="nyckel-id", type=uuid.UUID)

    scan_command = commands.add_parser(
        "scan", help="beräkna placerade barns skyldigheter nu (en genomsökning i taget)"
    )
    scan_command.add_argument(
        "--full", action="store_true", help="räkna om alla placeringar, inte bara dem som behöver det"
    )
    dates = commands.add_parser(
        "check-dates",
        help="rapportera rader som bryter mot datumreglerna (ändrar inget); avslutas med 1 om någon finns",
    )
    dates.add_argument("kommunkod", nargs="?", help="bara den här kommunen (annars alla)")
    screen = commands.add_parser(
        "screen", help="jävsscreena personal och närstående mot utförarnas företrädare"
    )
    screen.add_argument("kommunkod", nargs="?", help="en kommun (annars alla)")

    audit = commands.add_parser("audit", help="granska loggen över åtkomst till barns uppgifter")
    audit_commands = audit.add_subparsers(dest="action", required=True, parser_class=_Parser)
    search = audit_commands.add_parser("list", help="lista logghändelser, äldsta först")
    search.add_argument("kommunkod")
    search.add_argument("--child", metavar="BARN-ID", type=uuid.UUID, help="bara det här barnets uppgifter")
    search.add_argument("--actor", metavar="ANVÄNDARE", help="bara den här användaren, som loggen anger hen")
    search.add_argument(
        "--since", metavar="DAG", type=dt.date.fromisoformat, help="från och med den här dagen, ÅÅÅÅ-MM-DD"
    )
    search.add_argument(
        "--until", metavar="DAG", type=dt.date.fromisoformat, help="till och med den här dagen"
    )
    search.add_argument(
        "--limit", metavar="ANTAL", type=int, default=200, help="högst så många (1–200, standard 200)"
    )
    sample = audit_commands.add_parser("sample", help="dra ett återskapbart stickprov per enhet för en månad")
    sample.add_argument("kommunkod")
    sample.add_argument("--month", metavar="MÅNAD", required=True, help="ÅÅÅÅ-MM")
    sample.add_argument(
        "--per-unit", metavar="ANTAL", type=int, default=10, help="händelser per enhet (standard 10)"
    )
    sample.add_argument("--seed", metavar="FRÖ", help="samma frö drar samma stickprov igen")

    permit = commands.add_parser("permit", help="IVO-tillstånd som förts in för hand från tillståndsbeviset")
    permit_commands = permit.add_subparsers(dest="action", required=True, parser_class=_Parser)
    captured = permit_commands.add_parser(
        "capture",
        help="för in ett tillstånd från IVO:s tillståndsbevis och spara beviset med sin kontrollsumma",
    )
    captured.add_argument("unit_code", help="enhetens kod i registret")
    captured.add_argument("--document", type=Path, required=True, help="tillståndsbeviset (pdf eller bild)")
    captured.add_argument("--ivo-reference", required=True, help="tillståndets diarienummer hos IVO")
    captured.add_argument("--kind", required=True, help="verksamhetstyp, t.ex. hvb_children")
    captured.add_argument("--ages", required=True, help="målgruppens åldrar, t.ex. 13-17")
    captured.add_argument("--sex", default="any", help="any, female eller male (standard any)")
    captured.add_argument(
        "--needs", default="", help="behov åtskilda med kommatecken, t.ex. psychosocial,criminality"
    )
    captured.add_argument("--places", type=int, required=True, help="högsta antal som vårdas samtidigt")
    captured.add_argument("--manager", help="föreståndaren")
    captured.add_argument("--holder", required=True, help="tillståndshavarens organisationsnummer")
    captured.add_argument(
        "--decided-on", type=dt.date.fromisoformat, required=True, help="beslutsdatum, ÅÅÅÅ-MM-DD"
    )
    captured.add_argument(
        "--valid-from", type=dt.date.fromisoformat, help="gäller från (standard: beslutsdatum)"
    )
    captured.add_argument("--condition", action="append", default=[], help="ett villkor; upprepa för fler")
    permit_commands.add_parser("due", help="för hand införda tillstånd som ska läsas av mot beviset igen")
    verify = commands.add_parser(
        "verify-companies",
        help="fråga Bolagsverket om varje utförare i registret (eller de angivna) och för in ändrad status",
    )
    verify.add_argument("orgnr", nargs="*", help="bara dessa organisationsnummer (annars alla)")
    onboard = commands.add_parser(
        "onboard",
        help="läs in kommunens personal, barn, placeringar, beslut, ansvariga och händelser från "
        "verksamhetssystemet (xlsx eller csv)",
    )
    onboard.add_argument("kommunkod", help="kommunen som äger uppgifterna")
    onboard.add_argument("files", nargs="+", type=Path, help="en xlsx-fil, eller en csv-fil per flik")
    onboard.add_argument(
        "--dry-run", action="store_true", help="kontrollera och visa vad som skulle ändras; spara inget"
    )
    onboard_template = commands.add_parser(
        "onboard-template", help="skriv mallen för inläsningen (xlsx med exempelrader och förklaringar)"
    )
    onboard_template.add_argument("file", type=Path, help="filen att skriva, t.ex. mall.xlsx")

    municipality = commands.add_parser("municipality", help="hantera kommuner")
    municipality_commands = municipality.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = municipality_commands.add_parser("add", help="lägg till en kommun")
    add.add_argument("kommunkod", help="fyrsiffrig kommunkod, t.ex. 0180")
    add.add_argument("name", metavar="namn", help="kommunens namn")
    municipality_commands.add_parser("list", help="lista kommuner")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    rule_catalogue.load()
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        print(
            f"placement: ogiltig inställning {'.'.join(map(str, first['loc']))}: {first['msg']}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if args.command == "onboard-template":
        return _onboard_template(args.file)
    if args.command == "serve" and args.demo:
        settings = settings.model_copy(update={"demo": True})
    # One-shot commands report on stdout; their logs would only bury the one line that matters.
    level = settings.log_level if args.command == "serve" or settings.log_level == "debug" else "warning"
    configure_logging(settings.log_format, level)
    if args.command == "bench":
        from placement.bench.suite import bench

        return bench(quick=args.quick, json_path=args.json)
    try:
        return asyncio.run(_dispatch(args, settings))
    except PlacementError as error:
        print(f"placement: {error.detail}", file=sys.stderr)
        return EXIT_ERROR
    except ValidationError as error:
        print(f"placement: {error.errors()[0]['msg']}", file=sys.stderr)
        return EXIT_ERROR
    except asyncpg.PostgresError as error:
        print(f"placement: databasfel: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`placement rules | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "version":
        print(__version__)
        return 0
    if args.command == "rules":
        _print_rules(as_json=args.json)
        return 0
    if args.command == "serve":
        return await _serve(args, settings)
    if args.command == "setup-database":
        return await _setup_database(args, settings)
    if args.command == "verify-companies":
        _bolagsverket_credentials(settings)  # before bringing a database up for nothing
    if args.command == "municipality" and args.action == "add":
        # Validate before bringing a database up for nothing.
        args.municipality = MunicipalityIn(kommunkod=args.kommunkod, name=args.name)
    async with database_urls(settings) as urls:
        conn = await connect_with_retry(urls.owner, patience_s=settings.db_connect_patience_s)
        try:
            if args.command not in ("migrate", "demo"):
                missing = await pending(conn)
                if missing:
                    raise DatabaseUnavailable(
                        f"Databasen saknar {len(missing)} migrering(ar); kör placement migrate först"
                    )
            if args.command == "migrate":
                applied = await migrate(conn)
                print(f"{len(applied)} migrering(ar) körda" + "".join(f"\n  {m.filename}" for m in applied))
            elif args.command == "demo":
                await migrate(conn)
                result = await load_demo(conn, real_day=True)
                print("Demodata inlästa" if result.created else "Demodata fanns redan; inget ändrat")
            elif args.command == "municipality":
                return await _municipality(args, conn)
            elif args.command == "token":
                return await _token(args, conn)
            elif args.command == "audit":
                return await _audit(args, conn)
            elif args.command == "scan":
                async with asyncpg.create_pool(
                    urls.owner, min_size=SCAN_WORKERS, max_size=SCAN_WORKERS, init=init_connection
                ) as workers:
                    scanned = await scan(
                        conn, today_in_sweden(), pool=workers, workers=SCAN_WORKERS, full=args.full
                    )
                if not scanned.scanned:
                    print("En annan instans skannar redan; inget gjort")
                else:
                    print(
                        f"{scanned.municipalities} kommuner, {scanned.placements} placeringar, "
                        f"{scanned.recomputed} omräknade, {scanned.changed} med ändrade skyldigheter"
                    )
                    if scanned.failed:
                        print(
                            f"{scanned.failed} kommun(er) kunde inte skannas; orsaken står i loggen",
                            file=sys.stderr,
                        )
                        return EXIT_ERROR
            elif args.command == "screen":
                return await _screen(conn, args.kommunkod)
            elif args.command == "check-dates":
                return await _check_dates(conn, args.kommunkod)
            elif args.command == "operator-token":
                return await _operator_token(args, conn)
            elif args.command == "permit":
                return await _permit(args, conn)
            elif args.command == "verify-companies":
                return await _verify_companies(args, conn, settings)
            elif args.command == "onboard":
                return await _onboard(args, conn)
            elif args.command.startswith("import-"):
                return await _import(args, conn, settings)
        finally:
            await conn.close()
    return 0


def _print_rules(*, as_json: bool) -> None:
    listed = [
        {
            "code": r.code,
            "severity": r.severity.value,
            "title": r.title,
            "legal_reference": r.legal.current,
            "old_reference": r.legal.old,
            "new_reference_confirmed": r.legal.new_confirmed,
            "old_reference_confirmed": r.legal.old_confirmed if r.legal.old else None,
        }
        for r in all_rules()
    ]
    if as_json:
        print(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for rule in all_rules():
        confirmed = "" if rule.legal.new_confirmed else "  [ny paragraf ej bekräftad]"
        print(f"{rule.code}  {rule.severity.value:<5}  {rule.title}\n        {rule.legal.cite()}{confirmed}")


async def _setup_database(args: argparse.Namespace, settings: Settings) -> int:
    """Roles and database on an existing server; passwords come from the environment, never argv."""
    owner_password = os.environ.get("PLACEMENT_OWNER_PASSWORD")
    app_password = os.environ.get("PLACEMENT_APP_PASSWORD")
    register_password = os.environ.get("PLACEMENT_REGISTER_PASSWORD")
    admin = await connect_with_retry(args.admin_url, patience_s=settings.db_connect_patience_s)
    try:
        await roles.bootstrap(
            admin,
            database=args.database,
            owner_password=owner_password,
            app_password=app_password,
            register_password=register_password,
        )
    finally:
        await admin.close()
    print(
        f"Roller och databas klara. Ange:\n"
        f"  DATABASE_URL={roles.with_login(args.admin_url, user=roles.APP_ROLE, database=args.database)}\n"
        f"  PLACEMENT_MIGRATION_DATABASE_URL="
        f"{roles.with_login(args.admin_url, user=roles.OWNER_ROLE, database=args.database)}\n"
        f"  PLACEMENT_REGISTER_DATABASE_URL="
        f"{roles.with_login(args.admin_url, user=roles.REGISTER_ROLE, database=args.database)}\n"
        "(med lösenorden från PLACEMENT_APP_PASSWORD, PLACEMENT_OWNER_PASSWORD och "
        "PLACEMENT_REGISTER_PASSWORD insatta)"
    )
    return 0


async def _municipality_id(conn: Connection, kommunkod: str) -> uuid.UUID:
    municipality = await MunicipalityRepository(conn).by_kommunkod(kommunkod=kommunkod)
    if municipality is None:
        raise NotFound(f"Kommunen {kommunkod} finns inte")
    return municipality.id


_STAGES = {
    "fetched": "Hämtat",
    "validated": "Validerat hela filen",
    "compared": "Jämfört med föregående ögonblicksbild",
    "staged": "Laddat till mellanlager",
    "merged": "Sammanfört",
    "done": "Klart",
}


async def _import(args: argparse.Namespace, conn: Connection, settings: Settings) -> int:
    started = time.monotonic()
    interactive = sys.stderr.isatty()

    async def progress(stage: str) -> None:
        if interactive:
            print(
                f"\r{_STAGES.get(stage, stage)} ({time.monotonic() - started:.1f} s)\033[K",
                end="",
                file=sys.stderr,
            )

    try:
        result = await run_import(conn, args.feed, args.source, progress=progress)
    except FileRejected as rejected:
        if interactive:
            print(file=sys.stderr)
        print(f"placement: {rejected.report()}", file=sys.stderr)
        return EXIT_ERROR
    if interactive:
        print(file=sys.stderr)
    if result.not_modified:
        print("Registret är oförändrat sedan förra hämtningen (304); inget ändrat")
    elif result.unchanged:
        print(f"{result.records} poster, inga ändringar; ingen ny ögonblicksbild")
    else:
        print(
            f"Ögonblicksbild {result.snapshot_id}: {result.records} poster, {len(result.changes)} ändringar, "
            f"{result.findings} avvikelser till kommuner med barn placerade på berörda enheter"
        )
        for change in result.changes:
            code = f" [{change.finding_code}]" if change.finding_code else ""
            print(f"  {change.kind.value}{code}: {change.summary}")
        if args.feed is Feed.COMPANIES and result.changes:
            print("Bolagsregistret har ändrats; jävsscreeningen körs om:")
            await _screen(conn, None)
    return 0


async def _permit(args: argparse.Namespace, conn: Connection) -> int:
    today = today_in_sweden()
    if args.action == "due":
        due = await permits_to_reverify(conn, today=today)
        for row in due:
            why = "bolagsuppgifterna har ändrats" if row["company_changed"] else f"sedan {row['reverify_on']}"
            print(f"{row['unit_code']}  {why}  (bevis {str(row['sha256'])[:12]})")
        print(f"{len(due)} tillstånd att läsa av igen", file=sys.stderr)
        return 0
    low, _, high = str(args.ages).partition("-")
    if not (low.isdigit() and high.isdigit()):
        raise BadRequest("--ages ska skrivas som två åldrar, t.ex. 13-17")
    permit = Permit.model_validate(
        {
            "ivo_reference": args.ivo_reference,
            "operation_kind": args.kind,
            "age_min": int(low),
            "age_max": int(high),
            "sex": args.sex,
            "needs": [n.strip() for n in args.needs.split(",") if n.strip()],
            "places": args.places,
            "manager_name": args.manager,
            "valid_from": args.valid_from or args.decided_on,
            "decided_on": args.decided_on,
            "holder_orgnr": args.holder,
            "conditions": args.condition,
        }
    )
    try:
        document = args.document.read_bytes()
    except OSError as error:
        raise BadRequest(f"Kan inte läsa {args.document}: {error.strerror}") from error
    done = await capture(
        conn,
        unit_code=args.unit_code,
        permit=permit,
        document=document,
        file_name=args.document.name,
        captured_by=f"cli:{_os_user()}",
        today=today,
    )
    print(
        f"Tillståndet för {args.unit_code} är infört "
        f"(ögonblicksbild {done.result.snapshot_id or 'oförändrad'}, "
        f"{len(done.result.changes)} ändringar); beviset sparat med SHA-256 {done.sha256}; "
        f"läs av igen senast {done.reverify_on}"
    )
    for change in done.result.changes:
        print(f"  {change.kind.value}: {change.summary}")
    return 0


def _bolagsverket_credentials(settings: Settings) -> tuple[str, str]:
    if settings.bolagsverket_client_id is None or settings.bolagsverket_client_secret is None:
        raise BadRequest(
            "Ange PLACEMENT_BOLAGSVERKET_CLIENT_ID och PLACEMENT_BOLAGSVERKET_CLIENT_SECRET "
            "(kundanmälan hos Bolagsverket)"
        )
    return settings.bolagsverket_client_id, settings.bolagsverket_client_secret.get_secret_value()


async def _verify_companies(args: argparse.Namespace, conn: Connection, settings: Settings) -> int:
    """The nightly re-verification: run it from cron or a systemd timer."""
    client_id, client_secret = _bolagsverket_credentials(settings)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        client = BolagsverketClient(
            session=session,
            base_url=str(settings.bolagsverket_api_url).rstrip("/"),
            token_url=str(settings.bolagsverket_token_url),
            client_id=client_id,
            client_secret=client_secret,
        )
        done = await reverify(conn, client, today=today_in_sweden(), orgnrs=args.orgnr or None)
    changes = done.result.changes if done.result else []
    print(f"{len(done.answers)} utförare tillfrågade, {len(changes)} ändringar")
    for change in changes:
        print(f"  {change.kind.value}: {change.summary}")
    if done.unknown:
        print(
            f"Okänd status (ofullständigt svar eller finns inte): {', '.join(done.unknown)}", file=sys.stderr
        )
        return EXIT_ERROR
    return 0


def _onboard_template(path: Path) -> int:
    try:
        path.write_bytes(onboarding_format.template())
    except OSError as error:
        print(f"placement: kan inte skriva {path}: {error.strerror}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Mallen är skriven till {path}")
    return 0


async def _onboard(args: argparse.Namespace, conn: Connection) -> int:
    municipality_id = await _municipality_id(conn, args.kommunkod)
    started = time.monotonic()
    try:
        raw_rows = onboarding_format.read_paths(args.files)
        result = await onboard(
            conn,
            municipality_id,
            raw_rows,
            actor=Actor(municipality_id, f"cli:{_os_user()}", role="cli"),
            today=today_in_sweden(),
            dry_run=args.dry_run,
        )
    except onboarding_format.FileUnreadable as error:
        print(f"placement: {error}", file=sys.stderr)
        return EXIT_ERROR
    except onboarding_format.Rejected as rejected:
        print(f"placement: {rejected.report()}", file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(result.lines()))
    print(f"({time.monotonic() - started:.1f} s)", file=sys.stderr)
    return 0


async def _screen(conn: Connection, kommunkod: str | None) -> int:
    """Screening for one or every municipality, each in its own transaction under its tenant."""
    municipalities = await MunicipalityRepository(conn).all()
    chosen = [m for m in municipalities if kommunkod in (None, m.kommunkod)]
    if kommunkod is not None and not chosen:
        raise NotFound(f"Kommunen {kommunkod} finns inte")
    for municipality in chosen:
        async with conn.transaction():
            await scope_to(conn, municipality.id)
            summary = await run_screening(conn, municipality.id)
        print(
            f"{municipality.kommunkod} {municipality.name}: {summary.matches} träffar, "
            f"{summary.open_matches} väntar på granskning"
        )
    return 0


async def _check_dates(conn: Connection, kommunkod: str | None) -> int:
    """Rows that break the date rules, per municipality, read under its tenant; nothing changed.
    Exit 1 when any is found, so a scheduled job notices."""
    municipalities = await MunicipalityRepository(conn).all()
    chosen = [m for m in municipalities if kommunkod in (None, m.kommunkod)]
    if kommunkod is not None and not chosen:
        raise NotFound(f"Kommunen {kommunkod} finns inte")
    found = 0
    today = today_in_sweden()
    for municipality in chosen:
        async with conn.transaction(readonly=True):
            await scope_to(conn, municipality.id)
            problems = await date_problems(conn, municipality.id, today)
        found += len(problems)
        print(f"{municipality.kommunkod} {municipality.name}: {len(problems)} rader bryter mot datumreglerna")
        for problem in problems:
            print(f"  {problem.line()}")
    return EXIT_ERROR if found else 0


async def _operator_token(args: argparse.Namespace, conn: Connection) -> int:
    tokens = OperatorTokenRepository(conn)
    if args.action == "create":
        if not 1 <= args.days <= 366:
            raise BadRequest("--days ska vara mellan 1 och 366")
        created, secret = await tokens.create(name=args.name, valid_for=dt.timedelta(days=args.days))
        print(secret)
        print(f"(id {created.id}, giltig till {created.expires_at:%Y-%m-%d}; visas bara nu)", file=sys.stderr)
    elif args.action == "list":
        for t in await tokens.all():
            print(
                f"{t.id}  {t.name}  {','.join(sorted(t.scopes))}  {_token_state(t.expires_at, t.revoked_at)}"
            )
    else:
        await tokens.revoke(token_id=args.token_id)
        print(f"Operatörstoken {args.token_id} är återkallad")
    return 0


def _token_state(expires_at: dt.datetime, revoked_at: dt.datetime | None) -> str:
    return f"återkallad {revoked_at:%Y-%m-%d}" if revoked_at else f"giltig till {expires_at:%Y-%m-%d}"


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "okänd"


async def _audit(args: argparse.Namespace, conn: Connection) -> int:
    municipality_id = await _municipality_id(conn, args.kommunkod)
    async with conn.transaction():
        await scope_to(conn, municipality_id)
        # Reading the log is itself logged, under the operating system user who ran the command.
        reader = Actor(municipality_id, f"cli:{_os_user()}", role="cli")
        log_repo = AuditLogRepository(conn, reader=reader)
        if args.action == "list":
            query = AuditQuery(
                child_id=args.child, actor=args.actor, since=args.since, until=args.until, limit=args.limit
            )
            events = (await log_repo.search(query=query)).items
        else:
            given = AuditSampleQuery(month=args.month, per_unit=args.per_unit, seed=args.seed)
            seed = given.seed or secrets.token_hex(8)
            drawn = await log_repo.sample(month=given.month, per_unit=given.per_unit, seed=seed)
            print(f"# stickprov {drawn.month}, {drawn.per_unit} per enhet, frö {drawn.seed}", file=sys.stderr)
            events = [e for unit in drawn.units for e in unit.items]
    for e in events:
        print(
            "\t".join(
                str(v) if v is not None else "-"
                for v in (
                    e.occurred_at.isoformat(),
                    e.actor,
                    e.actor_role,
                    e.actor_unit,
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.child_id,
                    e.request_id,
                )
            )
        )
    return 0


async def _token(args: argparse.Namespace, conn: Connection) -> int:
    municipality_id = await _municipality_id(conn, args.kommunkod)
    async with conn.transaction():
        await scope_to(conn, municipality_id)
        tokens = ApiTokenRepository(conn, municipality_id=municipality_id)
        if args.action == "create":
            if not 1 <= args.days <= 366:
                raise BadRequest("--days ska vara mellan 1 och 366")
            created, secret = await tokens.create(
                kommunkod=args.kommunkod,
                name=args.name,
                roles=frozenset(StaffRole(r) for r in args.role),
                valid_for=dt.timedelta(days=args.days),
            )
            print(secret)
            print(
                f"(id {created.id}, giltig till {created.expires_at:%Y-%m-%d}; visas bara nu)",
                file=sys.stderr,
            )
        elif args.action == "list":
            for t in await tokens.all():
                state = _token_state(t.expires_at, t.revoked_at)
                print(f"{t.id}  {t.name}  {','.join(sorted(t.roles))}  {state}")
        else:
            await tokens.revoke(token_id=args.token_id)
            print(f"Token {args.token_id} är återkallad")
    return 0


async def _municipality(args: argparse.Namespace, conn: Connection) -> int:
    repo = MunicipalityRepository(conn)
    if args.action == "add":
        given: MunicipalityIn = args.municipality
        created = await repo.create(kommunkod=given.kommunkod, name=given.name)
        print(f"{created.kommunkod} {created.name} ({created.id})")
    else:
        for m in await repo.all():
            print(f"{m.kommunkod} {m.name}{' [demo]' if m.is_demo else ''}")
    return 0


async def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from placement.api.app import create_app  # the web stack is only needed here
    from placement.api.server import ServiceRunner

    if settings.demo and not settings.embedded and not args.allow_demo_on_external_database:
        print(
            "placement: demoläge mot en extern databas (DATABASE_URL) kräver "
            "--allow-demo-on-external-database, eftersom demoläget litar på inloggningsrubriker",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if settings.identity_key is None and settings.embedded:
        settings = settings.model_copy(
            update={"identity_key": SecretStr(load_or_create_key(settings.data_dir))}
        )
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    async with database_urls(settings) as urls:
        conn = await connect_with_retry(urls.owner, patience_s=settings.db_connect_patience_s)
        try:
            if settings.migrate_on_start and not args.no_migrate:
                await migrate(conn)
            if settings.demo:
                result = await load_demo(conn, real_day=True)
                log.info("demo_data", created=result.created)
        finally:
            await conn.close()

        runner = ServiceRunner(
            create_app(settings, dsn=urls.service, register_dsn=urls.register), access_log=None
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            try:
                await site.start()
            except OSError as error:
                raise _CannotListen(f"Kan inte lyssna på {host}:{port}: {error.strerror}") from error
            log.info("serving", url=f"http://{host}:{port}", demo=settings.demo, embedded=settings.embedded)
            await _until_stopped()
            log.info("stopping")
        finally:
            await runner.cleanup()
    return 0


class _CannotListen(PlacementError):
    pass


async def _until_stopped() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
