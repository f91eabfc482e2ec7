"""``ozon-rpa watch`` end to end: the real CLI, a real Chromium, the real sandbox. No mocks.

The expected findings are worked out here from the oracle's truth (and from what the test itself did through
the CLI), with their own check-digit code, so the watch has to agree with an independent reading.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from fixtures.sandbox.tracking_formats import russian_post_check_digit, s10_check_digit
from tests.conftest import Oracle
from tests.e2e.test_change import s10

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCANNED = {"awaiting_deliver", "sent_by_seller", "delivering", "driver_pickup", "last_mile"}
SELLER = {"non_integrated", "3pl_tracking"}
STUCK_DAYS = 10
Flag = tuple[str, str]


def wrong_check_digit(number: str) -> bool:
    """A number of a checked format (S10 but Yanwen's, 14-digit Russian Post) whose check digit is wrong."""
    if re.fullmatch(r"[A-Z]{2}\d{9}[A-Z]{2}", number) and not number.endswith("YP"):
        return int(number[10]) != s10_check_digit(number[2:10])
    if re.fullmatch(r"\d{14}", number):
        return int(number[13]) != russian_post_check_digit(number[:13])
    return False


def portal_truth(sandbox: Oracle, now: datetime) -> set[Flag]:
    """What the portal-side rules must flag at ``now``, from the oracle."""
    flags: set[Flag] = set()
    for p in sandbox.postings(limit=1000):
        if p["status"] not in SCANNED:
            continue
        number, tracking = p["posting_number"], p["tracking_number"]
        if not tracking and p["tpl_integration_type"] in SELLER and datetime.fromisoformat(p["ship_by"]) < now:
            flags.add((number, "overdue_no_tracking"))
        if tracking and wrong_check_digit(tracking):
            flags.add((number, "bad_tracking"))
        if now - datetime.fromisoformat(p["status_since"]) > timedelta(days=STUCK_DAYS):
            flags.add((number, "stuck"))
    return flags


def scan_flags(settings: Settings) -> list[set[Flag]]:
    """The flags of every scan, oldest first, from each scan's findings.csv."""
    scans = sorted((settings.state_dir / "watch").iterdir())
    flags = []
    for scan in scans:
        with (scan / "findings.csv").open(encoding="utf-8-sig") as handle:
            flags.append({(r["posting_number"], r["rule"]) for r in csv.DictReader(handle)})
    return flags


def watch_runs(settings: Settings) -> list[tuple[str, str]]:
    with sqlite3.connect(settings.journal_path) as db:
        return list(db.execute("SELECT id, status FROM runs WHERE kind='watch' ORDER BY started_at"))


def test_watch_should_flag_exactly_the_abnormal_postings_of_the_portal_and_the_journal(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    editable = sandbox.postings(editable=True, limit=300)
    with_number = [p for p in editable if p["tracking_number"] and not wrong_check_digit(p["tracking_number"])]
    twice, unnotified = with_number[0], with_number[1]
    waiting = next(p for p in editable if not p["tracking_number"])
    # China Post numbers with carrier China Post: no carrier-mismatch warning, which the watch would also flag.
    china = ("--carrier", "china_post")
    assert cli("change", twice["posting_number"], s10(12_000_001), *china).exit_code == 0
    assert cli("change", twice["posting_number"], s10(12_000_002), *china, "--reason", "typo").exit_code == 0
    sandbox.configure(chat_subscription=False)
    noted = cli("change", unnotified["posting_number"], s10(12_000_003), *china, "--notify")
    assert noted.exit_code == 0 and "undelivered" in noted.output
    sandbox.configure(chat_subscription=True)
    assert cli("change", waiting["posting_number"], "--pending").exit_code == 0
    journal_flags = {(twice["posting_number"], "changed_often"), (unnotified["posting_number"], "notice_undelivered"),
                     (waiting["posting_number"], "pending_number")}
    before = portal_truth(sandbox, datetime.now(UTC)) | journal_flags

    result = cli("watch", "--once")

    after = portal_truth(sandbox, datetime.now(UTC)) | journal_flags
    assert result.exit_code == 1, result.output
    (flagged,) = scan_flags(agent_settings)
    # A deadline can pass while the scan runs: the scan sees at least what was due before, at most what after.
    assert before <= flagged <= after, (sorted(flagged - after), sorted(before - flagged))
    assert {rule for _, rule in flagged} == {"overdue_no_tracking", "bad_tracking", "stuck", "changed_often",
                                             "notice_undelivered", "pending_number"}
    assert sum(1 for _, rule in flagged if rule == "bad_tracking") == 3, "the seed plants three typos"
    assert sum(1 for _, rule in flagged if rule == "stuck") == 3, "the seed plants three stuck postings"
    report = next((agent_settings.state_dir / "watch").iterdir()) / "report.html"
    assert report.read_text(encoding="utf-8").count("<tr data-posting=") == len({n for n, _ in flagged})
    assert watch_runs(agent_settings)[0][1] == "done"
    assert all(p["save_count"] == 0 for p in sandbox.postings(limit=1000)
               if p["posting_number"] not in {twice["posting_number"], unnotified["posting_number"]}), "read-only"


def test_watch_every_should_keep_scanning_and_sign_in_again_when_the_session_expires(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    codes_before = len(sandbox.http.get("/_sandbox/outbox").json()["messages"])
    stop = threading.Event()

    def expire_after_the_first_scan() -> None:
        # Test-side polling: end every session as soon as the first scan has written its findings.
        while not stop.wait(0.05):
            if list((agent_settings.state_dir / "watch").glob("*/findings.csv")):
                sandbox.expire_sessions()
                return

    watcher = threading.Thread(target=expire_after_the_first_scan)
    watcher.start()
    try:
        # A long --stuck-days keeps each scan to the drawers of postings without a number: a quicker test.
        result = cli("watch", "--every", "1s", "--max-scans", "2", "--stuck-days", "30")
    finally:
        stop.set()
        watcher.join()

    assert result.exit_code == 1, result.output
    assert [status for _, status in watch_runs(agent_settings)] == ["done", "done"], result.output
    first, second = scan_flags(agent_settings)
    assert first == second and first
    assert len(sandbox.http.get("/_sandbox/outbox").json()["messages"]) > codes_before, "it signed in again"


def test_watch_should_stop_with_exit_3_on_the_anti_bot_page(cli: Callable[..., Any], sandbox: Oracle) -> None:
    sandbox.configure(antibot_rate=1.0)

    result = cli("watch", "--once")

    assert result.exit_code == 3
    assert "anti-bot" in result.output


def test_watch_should_refuse_a_malformed_interval(cli: Callable[..., Any], agent_settings: Settings) -> None:
    result = cli("watch", "--every", "soon")

    assert result.exit_code == 2
    assert not Path(agent_settings.state_dir / "watch").exists()


def test_a_scan_should_read_a_list_page_again_when_reading_it_failed_once(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # A scan only reads, so a list page whose read failed is opened once more rather than ending the scan. Here
    # the portal never answers the page's first list request (the list keeps showing its loading text).
    from urllib.parse import urlparse

    from playwright.sync_api import Route

    from agent.runner import workbench
    from scenarios.status_scan import scan_tabs
    from tests.conftest import run_in_thread

    held: list[Route] = []

    def hold_the_first_list_request(route: Route) -> None:
        if not held and urlparse(route.request.url).path == "/api/postings":
            held.append(route)  # never answered
        else:
            route.fallback()

    def scan() -> int:
        with workbench(agent_settings) as bench:  # in a thread of its own, as the CLI runs it (no asyncio loop)
            bench.context.route("**/api/postings**", hold_the_first_list_request)
            return len(scan_tabs(bench.portal, ["awaiting_deliver"], lambda row: False).rows)

    rows = run_in_thread(scan)

    assert len(held) == 1, "the first list request was held"
    assert rows == len(sandbox.postings(status="awaiting_deliver", limit=1000)) > 0
