"""The watch's rules (``agent.rules.anomalies``), on plain records: no browser, no sandbox."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.cli.watch import parse_every
from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest, ChangeResult, ListedPosting, Outcome, PostingSnapshot
from agent.rules.anomalies import Finding, Rule, journal_findings, needs_drawer, portal_findings
from agent.rules.tracking import s10_check_digit
from agent.watch.report import ScanFacts, write_csv, write_watch_report

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def s10(serial: int) -> str:
    digits = f"{serial:08d}"
    return f"RR{digits}{s10_check_digit(digits)}CN"


def typo(number: str) -> str:
    return number[:10] + str((int(number[10]) + 1) % 10) + number[11:]


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).isoformat()


def row(number: str, tracking: str = "", status: str = "awaiting_deliver", ordered: str | None = None,
        carrier: str = "china_post") -> ListedPosting:
    return ListedPosting(posting_number=number, order_date=ordered or ago(days=2), status=status, carrier=carrier,
                         tracking_number=tracking)


def drawer(number: str, tracking: str = "", status: str = "awaiting_deliver", scheme: str = "non_integrated",
           ship_by: str | None = None, since: str | None = None) -> PostingSnapshot:
    return PostingSnapshot(posting_number=number, status=status, scheme=scheme, carrier="china_post",
                           tracking_number=tracking, ship_by=ship_by or ago(hours=5),
                           status_since=since or ago(days=1))


def rules(findings: list[Finding]) -> set[tuple[str, Rule]]:
    return {(f.posting_number, f.rule) for f in findings}


@pytest.mark.parametrize(("listed", "expected"), [
    (row("1", tracking=s10(1)), False),
    (row("2"), True),
    (row("3", tracking=s10(3), ordered=ago(days=9, hours=12)), True),
    (row("4", tracking=s10(4), ordered=ago(days=8)), False),
    (row("5", status="delivered"), False),
], ids=["young-with-number", "no-number", "old-enough-to-be-stuck", "too-young-to-be-stuck", "closed"])
def test_needs_drawer_should_open_drawers_only_where_they_can_change_the_verdict(
    listed: ListedPosting, expected: bool
) -> None:
    assert needs_drawer(listed, NOW, stuck_days=10) is expected


def test_portal_rules_should_flag_overdue_bad_and_stuck_postings_and_nothing_else() -> None:
    rows = {r.posting_number: r for r in [
        row("overdue"), row("not-yet-due"), row("ozon-assigns"), row("typo", tracking=typo(s10(7))),
        row("fine", tracking=s10(8)), row("stuck", tracking=s10(9), status="delivering"),
        row("recent", tracking=s10(10), status="delivering"),
    ]}
    drawers = {d.posting_number: d for d in [
        drawer("overdue"), drawer("not-yet-due", ship_by=(NOW + timedelta(hours=3)).isoformat()),
        drawer("ozon-assigns", scheme="ozon"),
        drawer("stuck", tracking=s10(9), status="delivering", since=ago(days=10, hours=1)),
        drawer("recent", tracking=s10(10), status="delivering", since=ago(days=9, hours=23)),
    ]}

    found = portal_findings(rows, drawers, NOW, stuck_days=10)

    assert rules(found) == {("overdue", Rule.OVERDUE_NO_TRACKING), ("typo", Rule.BAD_TRACKING),
                            ("stuck", Rule.STUCK)}
    assert "check digit" in next(f.detail for f in found if f.rule == Rule.BAD_TRACKING)


def test_portal_rules_should_flag_a_carrier_mismatch_warning_as_a_bad_number() -> None:
    rows = {"p": row("p", tracking="62009147017544", carrier="cdek")}  # a Russian Post number under CDEK

    assert rules(portal_findings(rows, {}, NOW, 10)) == {("p", Rule.BAD_TRACKING)}


def _journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite")


def _record(journal: Journal, posting: str, outcome: Outcome, new: str = "", pending: bool = False,
            old: str = "") -> None:
    run = journal.start_run("change")
    journal.add_items(run.id, [ChangeRequest(posting_number=posting, new_tracking=new, pending=pending)])
    journal.finish_item(run.id, 0, ChangeResult(posting_number=posting, outcome=outcome, new_tracking=new,
                                                old_tracking=old))
    journal.finish_run(run.id, "done")


def test_journal_rules_should_flag_repeat_changes_lost_notices_and_open_pending_postings(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    _record(journal, "twice", Outcome.CHANGED, s10(1))
    _record(journal, "twice", Outcome.CHANGED, s10(2), old=s10(1))
    _record(journal, "once", Outcome.CHANGED, s10(3))
    _record(journal, "once", Outcome.FAILED, s10(4))  # a failure is no change
    _record(journal, "waiting", Outcome.PENDING, pending=True)
    _record(journal, "resolved", Outcome.PENDING, pending=True)
    _record(journal, "resolved", Outcome.CHANGED, s10(5))
    _record(journal, "shown-now", Outcome.PENDING, pending=True)
    journal.add_notice("r", "lost", "changed", "text", delivered=False, why="chat closed")
    journal.add_notice("r", "resent", "changed", "text", delivered=False, why="chat closed")
    journal.add_notice("r", "resent", "changed", "text", delivered=True)
    journal.add_notice("r", "lost-again", "changed", "text", delivered=True)
    journal.add_notice("r", "lost-again", "delayed", "text", delivered=False, why="no subscription")

    found = journal_findings(journal.history(), journal.notices(), {"shown-now": s10(6), "waiting": ""})

    assert rules(found) == {("twice", Rule.CHANGED_OFTEN), ("lost", Rule.NOTICE_UNDELIVERED),
                            ("lost-again", Rule.NOTICE_UNDELIVERED), ("waiting", Rule.PENDING_NUMBER)}
    twice = next(f for f in found if f.rule == Rule.CHANGED_OFTEN)
    assert f"(none) -> {s10(1)} -> {s10(2)}" in twice.detail and twice.tracking_number == s10(2)
    journal.close()


def test_scan_outputs_should_list_one_row_per_posting_in_html_and_one_per_reason_in_csv(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    run = journal.start_run("watch", base_url="http://127.0.0.1:1")
    journal.finish_run(run.id, "done")
    findings = [Finding(posting_number="A", rule=Rule.STUCK, detail="in status delivering for 12d 0h"),
                Finding(posting_number="A", rule=Rule.BAD_TRACKING, detail="<b>typo</b>"),
                Finding(posting_number="B", rule=Rule.PENDING_NUMBER, detail="waiting")]

    report = write_watch_report(tmp_path / run.id, journal.run(run.id), findings, ScanFacts(("all",), 5, 2, 1.5, 10))
    table = write_csv(tmp_path / run.id, findings)

    html = report.read_text(encoding="utf-8")
    assert html.count("<tr data-posting=") == 2
    assert "&lt;b&gt;typo&lt;/b&gt;" in html and "<b>typo</b>" not in html, "details are escaped"
    assert "<script" not in html and "http" not in html.replace("http://127.0.0.1:1", "")
    with table.open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    assert [(r["posting_number"], r["rule"]) for r in lines] == [("A", "stuck"), ("A", "bad_tracking"),
                                                                  ("B", "pending_number")]
    journal.close()


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("10m", 600), ("1h", 3600), ("1.5h", 5400)])
def test_every_should_accept_seconds_minutes_and_hours(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["30", "0m", "10d", "m", "-5s"])
def test_every_should_refuse_other_forms(text: str) -> None:
    with pytest.raises(ValueError):
        parse_every(text)
