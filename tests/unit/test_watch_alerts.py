"""The watch's alerts over many scans, each a process of its own (a new dispatcher), remembered in a real journal.

Findings are made here, as the rules make them; the end-to-end tests (tests/e2e/test_alerts.py) get them from
the sandbox through a browser. The receiver is a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from agent.alerts.delivery import Dispatcher
from agent.core.journal.schema import SCHEMA
from agent.core.journal.store import Journal
from agent.core.settings import Settings
from agent.rules.anomalies import Finding, Rule
from agent.watch.alerts import MAX_LISTED, WatchAlerts
from agent.watch.runner import DEFAULT_TABS, keeps_watching, problem_of
from tests.alert_receiver import AlertReceiver, closed_port_url

REPORT = Path("/srv/ozon/.ozon-rpa/watch/scan/report.html")


def flag(posting: str, rule: Rule, tracking: str = "", detail: str = "why") -> Finding:
    return Finding(posting_number=posting, rule=rule, detail=detail, status="delivering", tracking_number=tracking)


OVERDUE = flag("48173252-0033-2", Rule.OVERDUE_NO_TRACKING)
STUCK = flag("55298556-6212-1", Rule.STUCK, "RR473124829GB", detail="in status Delivering for 12d 3h")


@pytest.fixture
def receiver() -> Iterator[AlertReceiver]:
    with AlertReceiver() as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, receiver: AlertReceiver) -> Settings:
    # A generous cap: this tests what is told, not how fast (a loaded machine may take seconds to load Apprise).
    return Settings(alert_urls=receiver.url(), alert_timeout_s=20, state_dir=tmp_path, _env_file=None)


class Watch:
    """Runs the alerts of one scan as a watch process would: a dispatcher of its own, closed at its end."""

    def __init__(self, settings: Settings, receiver: AlertReceiver) -> None:
        self.settings = settings
        self.receiver = receiver
        self.runs = 0

    def _process(self, act: object, settings: Settings | None = None) -> list[dict[str, object]]:
        before = len(self.receiver.alerts)
        dispatcher = Dispatcher.for_settings(settings or self.settings)
        alerts = WatchAlerts(settings or self.settings, dispatcher, DEFAULT_TABS)
        assert callable(act)
        act(alerts)
        dispatcher.close()
        alerts.close()
        return self.receiver.alerts[before:]

    def scan(self, *findings: Finding, settings: Settings | None = None) -> list[dict[str, object]]:
        """A scan that ran and found ``findings``; the alerts it sent."""
        self.runs += 1
        return self._process(lambda a: a.scanned(f"scan-{self.runs}", list(findings), REPORT), settings)

    def fails(self, kind: str, why: str = "it failed", continues: bool = False) -> list[dict[str, object]]:
        """A scan that could not run; the alerts it sent."""
        return self._process(lambda a: a.could_not_scan(kind, why, continues=continues))


@pytest.fixture
def watch(settings: Settings, receiver: AlertReceiver) -> Watch:
    return Watch(settings, receiver)


def test_postings_that_become_abnormal_should_be_told_once_and_again_only_when_their_state_changes(
    watch: Watch
) -> None:
    (first,) = watch.scan(OVERDUE, STUCK)
    assert first["title"] == "ozon-rpa: 2 postings need attention"
    assert "new 2, changed 0" in str(first["message"]) and f"Report: {REPORT}" in str(first["message"])
    assert "48173252-0033-2: overdue, no tracking number" in str(first["message"])
    assert "55298556-6212-1 (RR473124829GB): stuck in status" in str(first["message"])

    assert watch.scan(OVERDUE, STUCK) == [], "the same again: nothing"
    assert watch.scan(OVERDUE, STUCK.model_copy(update={"detail": "in status Delivering for 13d 1h"})) == [], \
        "a detail that words the same state differently is no change"

    (changed,) = watch.scan(OVERDUE, STUCK, flag(OVERDUE.posting_number, Rule.PENDING_NUMBER))
    assert changed["title"] == "ozon-rpa: 1 posting needs attention"
    assert "new 0, changed 1" in str(changed["message"])
    assert "48173252-0033-2: overdue, no tracking number; waiting for a number (changed)" in str(changed["message"])
    assert STUCK.posting_number not in str(changed["message"])

    (renumbered,) = watch.scan(OVERDUE, STUCK.model_copy(update={"tracking_number": "RR473124830GB"}),
                               flag(OVERDUE.posting_number, Rule.PENDING_NUMBER))
    assert "55298556-6212-1 (RR473124830GB): stuck in status (changed)" in str(renumbered["message"])


def test_a_posting_no_longer_flagged_should_be_forgotten_quietly_and_told_again_when_it_comes_back(
    watch: Watch
) -> None:
    watch.scan(OVERDUE, STUCK)

    assert watch.scan(STUCK) == [], "one posting less is no news"
    (back,) = watch.scan(OVERDUE, STUCK)
    assert "new 1, changed 0" in str(back["message"]) and OVERDUE.posting_number in str(back["message"])


def test_a_scan_with_nothing_abnormal_should_send_nothing(watch: Watch) -> None:
    assert watch.scan() == []


def test_many_postings_should_be_listed_up_to_a_few_and_counted(watch: Watch) -> None:
    many = [flag(f"1000{n:04d}-0001-1", Rule.STUCK) for n in range(MAX_LISTED + 3)]

    (alert,) = watch.scan(*many)

    assert alert["title"] == f"ozon-rpa: {MAX_LISTED + 3} postings need attention"
    assert sum(f.posting_number in str(alert["message"]) for f in many) == MAX_LISTED
    assert "… and 3 more" in str(alert["message"])


def test_a_scan_that_could_not_run_should_be_told_once_with_what_to_do_and_its_end_once(watch: Watch) -> None:
    watch.scan(OVERDUE)

    (stopped,) = watch.fails("antibot", "the portal shows its anti-bot check («Доступ ограничен»)")
    assert stopped["title"] == "ozon-rpa: the watch could not scan" and stopped["type"] == "failure"
    assert "ozon-rpa login --interactive" in str(stopped["message"])
    assert "The watch stopped" in str(stopped["message"])
    assert watch.fails("antibot") == [], "the same cause again: nothing"
    (drift,) = watch.fails("drift", "UI drift: PostingDrawer cannot find 'Трек-номер' (lang=ru)", continues=True)
    assert "ozon-rpa doctor" in str(drift["message"]) and "tries again at its next scan" in str(drift["message"])

    (normal,) = watch.scan(OVERDUE)
    assert normal["title"] == "ozon-rpa: the watch scans again"
    assert "it could not before: UI drift" in str(normal["message"])
    assert watch.scan(OVERDUE) == []


def test_back_to_normal_should_ride_along_with_news_about_postings(watch: Watch) -> None:
    watch.fails("portal")

    (alert,) = watch.scan(STUCK)

    assert alert["title"] == "ozon-rpa: 1 posting needs attention"
    assert str(alert["message"]).startswith("The watch scans again (it could not before: the portal or the browser")


def test_an_alert_that_could_not_be_delivered_should_be_sent_after_the_next_scan(
    watch: Watch, settings: Settings
) -> None:
    down = settings.model_copy(update={"alert_urls": SecretStr(closed_port_url()), "alert_timeout_s": 1.0})

    assert watch.scan(OVERDUE, STUCK, settings=down) == []
    (alert,) = watch.scan(OVERDUE, STUCK)

    assert "new 2, changed 0" in str(alert["message"])


def test_alerts_that_are_off_should_leave_nothing_in_the_journal(tmp_path: Path, receiver: AlertReceiver) -> None:
    off = Settings(state_dir=tmp_path, _env_file=None)

    Watch(off, receiver).scan(OVERDUE)

    Journal(off.journal_path).close()  # the tables, whether the scan opened the journal or not
    with sqlite3.connect(off.journal_path) as db:
        assert db.execute("SELECT count(*) FROM alert_state").fetchone() == (0,)
    assert receiver.alerts == []


def test_a_journal_written_before_alerts_existed_should_open_keep_its_rows_and_remember_alerts(
    tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite"
    before_alerts = SCHEMA[: SCHEMA.index("CREATE TABLE IF NOT EXISTS alert_state")]
    with sqlite3.connect(path) as db:
        db.executescript(before_alerts)
        db.execute("INSERT INTO runs (id, kind, started_at, status) VALUES ('old-run', 'watch', '2026-11-01', 'done')")
    db.close()

    journal = Journal(path)
    journal.set_alert_state("watch-postings x", {"48173252-0033-2": "stuck|"})

    assert journal.run("old-run").status == "done"
    assert journal.alert_state("watch-postings x") == {"48173252-0033-2": "stuck|"}
    journal.set_alert_state("watch-postings x", {"48173252-0033-2": None})
    assert journal.alert_state("watch-postings x") == {}
    journal.close()


@pytest.mark.parametrize(("error", "kind", "goes_on"), [
    ("AntiBotChallenge", "antibot", False), ("PortalBlocked", "antibot", False), ("UIDrift", "drift", False),
    ("SessionExpired", "sign_in", True), ("SignInFailed", "sign_in", False), ("PortalError", "portal", True),
    ("SaveFailed", "portal", True), ("ConfigError", "setup", False), ("PlaywrightError", "portal", True),
], ids=lambda v: str(v))
def test_a_scan_that_failed_should_be_named_by_its_cause_and_a_watch_should_go_on_only_where_retrying_helps(
    error: str, kind: str, goes_on: bool
) -> None:
    from playwright.sync_api import Error as PlaywrightError

    from agent.core import errors
    from scenarios.login import SignInFailed

    cls = {"SignInFailed": SignInFailed, "PlaywrightError": PlaywrightError}.get(error) or getattr(errors, error)
    err = cls("PostingDrawer", "Трек-номер", "ru") if error == "UIDrift" else cls("why")

    assert (problem_of(err), keeps_watching(err)) == (kind, goes_on)
