"""Alerts end to end: the real CLI, a real Chromium, a real sandbox, and a real alert receiver on 127.0.0.1.

The sandbox here is a small one of its own (40 postings, the same planted anomalies), so that a watch scan takes
seconds. The receiver's URL carries a recognisable token: after each run, no output and no file the run wrote
(journal, reports, results, saved state) may contain it.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.core.settings import Settings
from agent.watch.alerts import MAX_LISTED
from fixtures.sandbox.config import SandboxConfig
from fixtures.sandbox.server import SandboxServer
from tests.alert_receiver import TOKEN, AlertReceiver, closed_port_url
from tests.conftest import DEFAULT_KNOBS, Oracle, run_in_thread
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e
Run = Callable[..., Any]


@pytest.fixture(scope="module")
def small_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(postings=40)) as server:
        yield server


@pytest.fixture(scope="module")
def small_signed_in(small_sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sign-in to the small sandbox, made once by the agent itself."""
    from agent.runner import workbench

    settings = Settings(base_url=small_sandbox.url, state_dir=tmp_path_factory.mktemp("small-signed-in"),
                        otp_source="sandbox", _env_file=None)

    def sign_in() -> None:
        with workbench(settings):
            pass

    run_in_thread(sign_in)
    return settings.storage_state_path


@pytest.fixture
def portal(small_sandbox: SandboxServer) -> Iterator[Oracle]:
    oracle = Oracle(small_sandbox.url)
    oracle.reset()
    yield oracle
    oracle.http.close()


@pytest.fixture
def receiver() -> Iterator[AlertReceiver]:
    with AlertReceiver() as running:
        yield running


@pytest.fixture
def state_dir(tmp_path: Path, small_signed_in: Path) -> Path:
    state = tmp_path / "state"
    state.mkdir()
    shutil.copy(small_signed_in, state / "storage-state.json")
    return state


@pytest.fixture
def run(portal: Oracle, state_dir: Path, receiver: AlertReceiver) -> Run:
    """``ozon-rpa ARGS`` in-process against the small sandbox, alerting the receiver; the result's output."""
    env = {"OZON_RPA_BASE_URL": portal.url, "OZON_RPA_STATE_DIR": str(state_dir), "OZON_RPA_OTP_SOURCE": "sandbox",
           "OZON_RPA_RETRY_BACKOFF_S": "0.05", "OZON_RPA_TIMEOUT_MS": "10000", "OZON_RPA_ALERT_URLS": receiver.url(),
           "OZON_RPA_ALERT_TIMEOUT_S": "5"}

    def invoke(*args: str, env_extra: dict[str, str] | None = None) -> Any:
        from agent.cli.app import app

        return run_in_thread(lambda: CliRunner().invoke(app, list(args), env={**env, **(env_extra or {})}))

    return invoke


def flagged_postings(state_dir: Path) -> list[set[str]]:
    """The postings each watch scan flagged, oldest scan first (from its findings.csv)."""
    flags = []
    for scan in sorted((state_dir / "watch").iterdir()):
        with (scan / "findings.csv").open(encoding="utf-8-sig") as handle:
            flags.append({row["posting_number"] for row in csv.DictReader(handle)})
    return flags


def assert_token_nowhere(state_dir: Path, *outputs: str) -> None:
    """The receiver's token is in no output and no file the runs wrote (SQLite journal and its WAL included)."""
    for output in outputs:
        assert TOKEN not in output
    written = [p for p in state_dir.rglob("*") if p.is_file()]
    assert written
    for path in written:
        assert TOKEN.encode() not in path.read_bytes(), path


def test_watch_should_alert_abnormal_postings_once_then_only_a_change_then_a_scan_that_cannot_run(
    run: Run, portal: Oracle, receiver: AlertReceiver, state_dir: Path
) -> None:
    first = run("watch", "--once", "--stuck-days", "30")

    assert first.exit_code == 1, first.output
    (flagged,) = flagged_postings(state_dir)
    (alert,) = receiver.alerts
    assert alert["path"] == f"/hooks/{TOKEN}"
    assert alert["title"] == f"ozon-rpa: {len(flagged)} postings need attention"
    listed = {p for p in flagged if p in str(alert["message"])}
    assert listed == flagged if len(flagged) <= MAX_LISTED else len(listed) == MAX_LISTED
    assert "report.html" in str(alert["message"])

    again = run("watch", "--once", "--stuck-days", "30")

    assert again.exit_code == 1 and len(receiver.alerts) == 1, "the same postings again: no alert"

    overdue = next(f for f in _findings(state_dir) if f["rule"] == "overdue_no_tracking")["posting_number"]
    typo = s10(13_000_001)
    typo = typo[:10] + str((int(typo[10]) + 1) % 10) + typo[11:]
    assert run("change", overdue, typo, "--force", "--carrier", "china_post").exit_code == 0

    changed = run("watch", "--once", "--stuck-days", "30")

    assert changed.exit_code == 1, changed.output
    assert len(receiver.alerts) == 2, receiver.titles()
    news = str(receiver.alerts[1]["message"])
    assert receiver.alerts[1]["title"] == "ozon-rpa: 1 posting needs attention"
    assert f"{overdue} ({typo}): bad tracking number (changed)" in news
    assert not {p for p in flagged if p != overdue and p in news}, "only the posting that changed"

    portal.configure(antibot_rate=1.0)
    blocked = run("watch", "--once", "--stuck-days", "30")

    assert blocked.exit_code == 3
    assert len(receiver.alerts) == 3
    assert receiver.alerts[2]["title"] == "ozon-rpa: the watch could not scan"
    assert "ozon-rpa login --interactive" in str(receiver.alerts[2]["message"])
    assert_token_nowhere(state_dir, first.output, again.output, changed.output, blocked.output)


def _findings(state_dir: Path) -> list[dict[str, str]]:
    scan = max((state_dir / "watch").iterdir())
    with (scan / "findings.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_watch_every_should_go_on_through_a_lapsed_session_nobody_can_renew_and_say_when_it_scans_again(
    run: Run, portal: Oracle, receiver: AlertReceiver, state_dir: Path, small_sandbox: SandboxServer, tmp_path: Path
) -> None:
    # Scheduled, with nobody at a terminal: no one-time code can be had. After the first scan every session ends;
    # the second scan cannot run; a person then signs in (here: the test, as `ozon-rpa login` would); the third
    # scan runs again with that sign-in.
    from agent.runner import workbench

    fresh = Settings(base_url=portal.url, state_dir=tmp_path / "person", otp_source="sandbox", _env_file=None)
    stop = threading.Event()
    problems: list[str] = []

    def person() -> None:
        try:
            while not stop.wait(0.05) and not list((state_dir / "watch").glob("*/findings.csv")):
                pass
            portal.expire_sessions()

            def sign_in() -> None:
                with workbench(fresh):
                    pass

            sign_in_thread = threading.Thread(target=sign_in)
            sign_in_thread.start()
            sign_in_thread.join()
            while not stop.wait(0.05) and len(receiver.alerts) < 2:
                pass  # the alert that the scan could not run: the person reads it and signs in
            shutil.copy(fresh.storage_state_path, state_dir / "storage-state.json")
        except Exception as err:  # noqa: BLE001 - reported on the test's thread
            problems.append(repr(err))

    helper = threading.Thread(target=person)
    helper.start()
    try:
        result = run("watch", "--every", "4s", "--max-scans", "3", "--stuck-days", "30",
                     env_extra={"OZON_RPA_OTP_SOURCE": "prompt"})
    finally:
        stop.set()
        helper.join()

    assert not problems
    assert result.exit_code == 1, result.output
    assert len(flagged_postings(state_dir)) == 2, "two scans ran, one could not"
    assert [a["title"] for a in receiver.alerts][1:] == ["ozon-rpa: the watch could not scan",
                                                         "ozon-rpa: the watch scans again"]
    assert "ozon-rpa login --interactive" in str(receiver.alerts[1]["message"])
    assert "tries again at its next scan" in str(receiver.alerts[1]["message"])
    assert "it could not before: a sign-in was needed" in str(receiver.alerts[2]["message"])
    assert_token_nowhere(state_dir, result.output)


def test_bulk_apply_should_alert_an_early_stop_with_a_resume_command_that_resumes_it_and_then_its_end(
    run: Run, portal: Oracle, receiver: AlertReceiver, state_dir: Path, tmp_path: Path
) -> None:
    postings = portal.postings(editable=True, limit=2)
    source = tmp_path / "changes.csv"
    source.write_text("posting_number,tracking_number,carrier\n" + "".join(
        f"{p['posting_number']},{s10(13_100_000 + i)},china_post\n" for i, p in enumerate(postings)), encoding="utf-8")
    portal.configure(antibot_rate=1.0)

    stopped = run("bulk", "apply", str(source), "--yes")

    assert stopped.exit_code == 3, stopped.output
    (alert,) = receiver.alerts
    assert alert["title"] == "ozon-rpa: bulk run stopped early"
    lines = str(alert["message"]).splitlines()
    command = shlex.split(lines[lines.index("Resume with:") + 1])
    assert command[:4] == ["cd", os.getcwd(), "&&", "ozon-rpa"]

    portal.configure(antibot_rate=DEFAULT_KNOBS["antibot_rate"])
    resumed = run(*command[4:])

    assert resumed.exit_code == 0, resumed.output
    assert [a["title"] for a in receiver.alerts] == ["ozon-rpa: bulk run stopped early", "ozon-rpa: bulk run finished"]
    finished = str(receiver.alerts[1]["message"])
    assert "(changes.csv): changed 2." in finished
    report = Path(finished.split("Report: ", 1)[1].strip())
    assert report.is_file() and report.parent.name in command
    assert all(portal.posting(p["posting_number"])["save_count"] == 1 for p in postings)
    assert_token_nowhere(state_dir, stopped.output, resumed.output)


@pytest.mark.parametrize(("command", "receiver_state"), [("watch", "down"), ("watch", "slow"), ("bulk", "slow")])
def test_an_alert_that_cannot_be_delivered_should_leave_the_run_and_its_exit_code_alone_and_say_so(
    run: Run, portal: Oracle, state_dir: Path, tmp_path: Path, command: str, receiver_state: str
) -> None:
    if command == "watch":
        args, expected = ["watch", "--once", "--stuck-days", "30"], 1  # the scan's own code: postings flagged
    else:
        (posting,) = portal.postings(editable=True, limit=1)
        source = tmp_path / "one.csv"
        source.write_text(f"posting_number,tracking_number\n{posting['posting_number']},{s10(13_200_000)}\n",
                          encoding="utf-8")
        args, expected = ["bulk", "apply", str(source), "--yes"], 0
    with AlertReceiver(hold=True) as slow:
        url = closed_port_url() if receiver_state == "down" else slow.url()

        result = run(*args, env_extra={"OZON_RPA_ALERT_URLS": url, "OZON_RPA_ALERT_TIMEOUT_S": "2"})
        held = slow.waiting

    assert result.exit_code == expected, result.output
    assert "not delivered to JSON (127.0.0.1:" in result.output
    if receiver_state == "slow":
        assert held >= 1, "the command ended while the receiver still held its alert"
    if command == "bulk":
        assert portal.posting(posting["posting_number"])["save_count"] == 1
    assert_token_nowhere(state_dir, result.output)


def test_doctor_should_say_where_alerts_go_without_the_token(run: Run, receiver: AlertReceiver) -> None:
    result = run("doctor", "--no-live", "--json")

    assert '"check": "alerts"' in result.output
    assert f"1 target: JSON (127.0.0.1:{receiver.port})" in result.output
    assert TOKEN not in result.output
