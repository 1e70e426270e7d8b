"""The ``placement`` command as an operator uses it: real processes, real signals."""

from __future__ import annotations

import getpass
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError

import asyncpg
import pytest

from placement import __version__

# Real processes or benchmark smoke runs: the everyday loop (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow


def run(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "placement", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLACEMENT_") and k != "DATABASE_URL"}
    env.update(extra)
    return env


def test_version() -> None:
    result = run("version")
    assert (result.returncode, result.stdout.strip()) == (0, __version__)


def test_wrong_argument_is_one_line_and_exit_2() -> None:
    result = run("serve", "--port", "many")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("placement: argumentet --port: ogiltigt värde: 'many'")


def test_unreachable_database_is_one_line_and_exit_1() -> None:
    env = clean_env(
        DATABASE_URL="postgresql://nobody@127.0.0.1:9/none", PLACEMENT_DB_CONNECT_PATIENCE_S="0.5"
    )
    result = run("migrate", env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("placement: Databasen svarar inte")


def test_bad_setting_is_one_line_and_exit_1() -> None:
    result = run("version", env=clean_env(PLACEMENT_PORT="seventy"))
    assert result.returncode == 1
    assert result.stderr.startswith("placement: ogiltig inställning port")


def test_demo_against_external_database_needs_explicit_consent() -> None:
    """Demo mode trusts sign-in headers, so it is refused against a real server unless asked for."""
    result = run("serve", "--demo", env=clean_env(DATABASE_URL="postgresql://nobody@127.0.0.1:9/none"))
    assert result.returncode == 1
    assert "--allow-demo-on-external-database" in result.stderr


def test_municipality_add_rejects_bad_kommunkod(tmp_path: Path) -> None:
    result = run("municipality", "add", "18", "Kort", env=clean_env(PLACEMENT_DATA_DIR=str(tmp_path)))
    assert result.returncode == 1
    assert result.stderr.strip() == "placement: Ogiltig kommunkod: ska vara fyra siffror, t.ex. 0180"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get_json(url: str, headers: dict[str, str] | None = None) -> tuple[int, object]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback URL built here
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.status, json.loads(response.read())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[object]:
    """Starts ``placement serve --demo`` on the embedded database; yields a starter."""
    processes: list[subprocess.Popen[str]] = []

    def start() -> tuple[subprocess.Popen[str], str]:
        port = free_port()
        env = clean_env(PLACEMENT_DATA_DIR=str(tmp_path / "data"), PLACEMENT_LOG_FORMAT="json")
        process = subprocess.Popen(
            [sys.executable, "-m", "placement", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"serve exited early: {process.communicate()[1]}")
            try:
                if get_json(f"{base}/ready")[0] == 200:
                    return process, base
            except (URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("serve did not become ready in 60 s")

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


def postmaster_running(pgdata: Path) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().splitlines()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_stops_on_sigterm_and_keeps_its_data(served: object, tmp_path: Path) -> None:
    """SIGTERM stops the service and its embedded database; a restart finds the same data, and
    starting with --demo again does not duplicate the demo data."""
    pgdata = tmp_path / "data" / "pgdata"
    process, base = served()  # type: ignore[operator]
    assert get_json(f"{base}/health") == (200, {"status": "ok", "version": __version__})
    _, first = get_json(f"{base}/api/v1/children?limit=200", {"X-Demo-User": "petra@demo.invalid"})
    children = {c["id"] for c in first["items"]}  # type: ignore[index]
    assert len(children) == 12
    assert postmaster_running(pgdata)

    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=30)
    assert process.returncode == 0
    assert not postmaster_running(pgdata)

    process, base = served()  # type: ignore[operator]
    _, again = get_json(f"{base}/api/v1/children?limit=200", {"X-Demo-User": "petra@demo.invalid"})
    assert {c["id"] for c in again["items"]} == children  # type: ignore[index]
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0
    assert not postmaster_running(pgdata)
    log_lines = [json.loads(line) for line in stderr.splitlines()]
    assert {"serving", "stopping", "embedded_postgres_stopped"} <= {line["event"] for line in log_lines}


async def test_setup_database_creates_roles_and_database(server_url: str) -> None:
    """An operator with a superuser URL gets the roles, a database owned by placement_owner, and
    the two URLs to configure; running it again changes nothing."""
    name = f"placement_setup_{os.getpid()}"
    for _ in range(2):
        result = run("setup-database", server_url, "--database", name, env=clean_env())
        assert result.returncode == 0, result.stderr
        assert "placement_app@" in result.stdout
        assert f"/{name}" in result.stdout

    admin = await asyncpg.connect(server_url)
    try:
        owner = await admin.fetchval(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", name
        )
        await admin.execute(f'DROP DATABASE "{name}"')
    finally:
        await admin.close()
    assert owner == "placement_owner"


def test_token_create_list_revoke(tmp_path: Path) -> None:
    """An operator issues a token for an integration, sees it listed, and revokes it."""
    from placement.repositories.api_tokens import parse_token

    env = clean_env(PLACEMENT_DATA_DIR=str(tmp_path))
    assert run("demo", env=env).returncode == 0
    created = run("token", "create", "0000", "Verksamhetssystemet", "--role", "socialsekreterare", env=env)
    assert created.returncode == 0, created.stderr
    parsed = parse_token(created.stdout.strip())
    assert parsed is not None
    assert parsed.kommunkod == "0000"
    listed = run("token", "list", "0000", env=env)
    assert f"{parsed.token_id}  Verksamhetssystemet  socialsekreterare  giltig till" in listed.stdout
    assert run("token", "revoke", "0000", str(parsed.token_id), env=env).returncode == 0
    assert "återkallad" in run("token", "list", "0000", env=env).stdout
    again = run("token", "revoke", "0000", str(parsed.token_id), env=env)
    assert again.returncode == 1
    assert again.stderr.startswith("placement: Det finns ingen giltig token")
    unknown = run("token", "create", "9999", "X", "--role", "granskare", env=env)
    assert (unknown.returncode, unknown.stderr.strip()) == (1, "placement: Kommunen 9999 finns inte")


def test_operator_token_create_list_revoke(tmp_path: Path) -> None:
    """Operator tokens for register imports: shown once, listed with their scope and validity,
    revoked."""
    env = clean_env(PLACEMENT_DATA_DIR=str(tmp_path))
    assert run("migrate", env=env).returncode == 0
    created = run("operator-token", "create", "Registerhämtning", "--days", "30", env=env)
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("po_")
    [listed] = run("operator-token", "list", env=env).stdout.splitlines()
    token_id = listed.split()[0]
    assert "Registerhämtning  register_import  giltig till " in listed
    assert run("operator-token", "revoke", token_id, env=env).returncode == 0
    assert "återkallad " in run("operator-token", "list", env=env).stdout


def test_audit_list_and_sample(tmp_path: Path) -> None:
    """The granskare's log review from the command line: the same seed draws the same sample."""
    from placement.core.clock import today_in_sweden

    env = clean_env(PLACEMENT_DATA_DIR=str(tmp_path))
    assert run("demo", env=env).returncode == 0
    listed = run("audit", "list", "0000", "--limit", "5", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 5
    assert all(line.split("\t")[1] == "demo-loader" for line in lines)
    # Reading the log is itself logged, under the operating system user who ran the command.
    reader = f"cli:{getpass.getuser()}"
    reads = run("audit", "list", "0000", "--actor", reader, env=env)
    assert reads.returncode == 0, reads.stderr
    read_rows = [line.split("\t") for line in reads.stdout.splitlines()]
    shown = {line.split("\t")[7] for line in lines}
    assert {(r[4], r[5]) for r in read_rows} == {("read", "audit_log")}
    assert shown <= {r[7] for r in read_rows}
    month = today_in_sweden().strftime("%Y-%m")
    first = run("audit", "sample", "0000", "--month", month, "--per-unit", "3", "--seed", "s1", env=env)
    again = run("audit", "sample", "0000", "--month", month, "--per-unit", "3", "--seed", "s1", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout
    assert len(first.stdout.splitlines()) == 3
    bad = run("audit", "sample", "0000", "--month", "2026-13", env=env)
    assert bad.returncode == 1
    assert bad.stderr.startswith("placement: ")


def test_onboard_the_template_dry_run_then_for_real_then_again(tmp_path: Path) -> None:
    """A new municipality writes the template, checks it with a dry run (nothing saved), imports
    it, and importing it again changes nothing; a bad file is one Swedish report and exit 1."""
    env = clean_env(PLACEMENT_DATA_DIR=str(tmp_path))
    template = tmp_path / "mall.xlsx"
    written = run("onboard-template", str(template), env=env)
    assert written.returncode == 0, written.stderr
    assert run("migrate", env=env).returncode == 0
    assert run("municipality", "add", "0180", "Stockholm", env=env).returncode == 0
    dry = run("onboard", "0180", str(template), "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "Provkörning; inget sparat" in dry.stdout
    assert "Placeringar: 1 nya, 0 ändrade, 0 oförändrade" in dry.stdout
    first = run("onboard", "0180", str(template), env=env)
    assert first.returncode == 0, first.stderr
    assert "Placeringar: 1 nya, 0 ändrade, 0 oförändrade" in first.stdout
    assert "Skyldigheter beräknade för 1 placeringar" in first.stdout
    again = run("onboard", "0180", str(template), env=env)
    assert "Placeringar: 0 nya, 0 ändrade, 1 oförändrade" in again.stdout
    bad = tmp_path / "barn.csv"
    bad.write_text("Barn-id;Personnummer;Namn\nB-9;12345;\n", encoding="utf-8")
    refused = run("onboard", "0180", str(bad), env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("placement: Filen avvisades; inget ändrat. 2 fel:")
    assert "Barn rad 2, Namn: Uppgiften saknas" in refused.stderr


def test_scan_recomputes_what_needs_it_and_everything_with_full(tmp_path: Path) -> None:
    """`placement scan` on the demo municipality: the first computes every placement, the next
    nothing (nothing changed), `--full` all of them again."""
    env = clean_env(PLACEMENT_DATA_DIR=str(tmp_path))
    assert run("demo", env=env).returncode == 0
    outputs = [run("scan", *extra, env=env) for extra in ((), (), ("--full",))]
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]
    counts = [o.stdout.strip().split(", ") for o in outputs]
    placements = counts[0][1]
    assert counts[0][2] == f"{placements.split()[0]} omräknade"
    assert counts[1][2] == "0 omräknade"
    assert counts[2][2] == counts[0][2]


def test_bench_quick_runs_every_workload(tmp_path: Path) -> None:
    """`placement bench --quick` loads the dataset, runs all five workloads on it and writes their
    figures; it never fails on time."""
    figures = tmp_path / "bench.json"
    result = run("bench", "--quick", "--json", str(figures), env=clean_env(), timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    written = json.loads(figures.read_text())
    assert set(written) >= {"dataset", "check_runs", "obligation_scan", "register_import", "screening"}
    assert written["dataset"]["rows"]["placements"] > 10_000  # the national dataset, at a twentieth
    assert written["check_runs"]["errors"] == 0
    assert written["check_runs"]["server_peak_rss_mb"] > 0  # read from the server's own process
    assert "== 5. peak memory" in result.stdout
