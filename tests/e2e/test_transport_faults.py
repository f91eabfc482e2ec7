"""Bulk runs through a misbehaving network: the faulty proxy between the browser and the real sandbox.

The proxy drops connections after forwarding saves (the sandbox stores them, the browser hears nothing and
Chromium re-sends them on a new connection), drops some reads and stalls some page loads. The oracle has the
truth: every posting ends ``changed`` (and really shows the new number) or ``failed``; the agent never sends a
second save of its own for a posting; and every save the browser re-sent is in its row of results.csv, the journal
and the report, on the posting whose save it was, even when the workers overlap and the save's URL does not name
the posting.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from fixtures.faulty_proxy import Faults, FaultyProxy
from fixtures.sandbox.server import SandboxServer
from tests.conftest import Oracle
from tests.e2e.test_bulk import write_rows
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e
RESENT = re.compile(r"the save was sent (\d+) times: the connection dropped and the browser re-sent it")
#: A dropped save gets no answer at all: the agent waits this long for one before it reads the posting again.
QUICK = {"OZON_RPA_SAVE_TIMEOUT_MS": "3000", "OZON_RPA_TIMEOUT_MS": "6000", "OZON_RPA_CIRCUIT_BREAKER": "50"}


@pytest.fixture
def proxy(sandbox_server: SandboxServer, sandbox: Oracle) -> Iterator[FaultyProxy]:
    """A faulty proxy in front of the test's sandbox; faults off until the test sets them."""
    with FaultyProxy(sandbox_server.url, Faults(seed=12)) as running:
        yield running


def journal_items(settings: Settings) -> dict[str, tuple[str, list[str]]]:
    """Outcome and warnings of every posting of the journal."""
    with sqlite3.connect(settings.journal_path) as db:
        rows = db.execute("SELECT posting_number, outcome, warnings FROM items").fetchall()
    return {number: (outcome, json.loads(warnings)) for number, outcome, warnings in rows}


def browser_resends(warnings: list[str]) -> int:
    """Extra sends the journal says the browser made for a posting (N sends = N - 1 extra)."""
    return sum(int(m.group(1)) - 1 for w in warnings if (m := RESENT.search(w)))


def apply_through(cli: Callable[..., Any], proxy: FaultyProxy, source: Path, workers: int) -> Any:
    return cli("bulk", "apply", str(source), "--yes", "--workers", str(workers),
               env_extra={"OZON_RPA_BASE_URL": proxy.url, **QUICK})


def test_a_save_the_browser_re_sent_should_be_counted_in_the_journal_and_the_report(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, proxy: FaultyProxy
) -> None:
    postings = sandbox.postings(editable=True, limit=2)
    rows = [[p["posting_number"], s10(13_600_000 + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    proxy.configure(drop_save_rate=1.0)  # every save is stored, and its answer lost

    result = apply_through(cli, proxy, source, workers=1)

    assert result.exit_code == 0, result.output
    items = journal_items(agent_settings)
    for number, new in rows:
        truth = sandbox.posting(number)
        outcome, warnings = items[number]
        assert outcome == "changed" and truth["tracking_number"] == new
        assert truth["save_count"] > 1, "the browser re-sent the dropped save (the point of this test)"
        assert f"the save was sent {truth['save_count']} times" in " ".join(warnings), warnings
    report = (max(agent_settings.runs_dir.iterdir()) / "report.html").read_text(encoding="utf-8")
    assert "the browser re-sent it" in report


@pytest.mark.parametrize("seed", [12, 31], ids=["seed-12", "seed-31"])
def test_bulk_apply_through_a_faulty_network_should_never_claim_a_change_or_save_twice_itself(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, proxy: FaultyProxy,
    seed: int,
) -> None:
    postings = sandbox.postings(editable=True, limit=12)
    rows = [[p["posting_number"], s10(13_700_000 + 100 * seed + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    proxy.reseed(seed)
    proxy.configure(drop_save_rate=0.35, stall_page_rate=0.15, stall_s=1.5)

    result = apply_through(cli, proxy, source, workers=2)

    assert result.exit_code in (0, 1), result.output
    assert proxy.stats.counts["save dropped after forwarding"] > 0, "the network did misbehave"
    items = journal_items(agent_settings)
    assert len(items) == len(rows)
    for number, new in rows:
        truth = sandbox.posting(number)
        outcome, warnings = items[number]
        assert outcome in ("changed", "failed"), (number, outcome, warnings)
        if outcome == "changed":
            assert truth["tracking_number"] == new, f"{number}: a false 'changed'"
        agent_saves = truth["save_count"] - browser_resends(warnings)
        assert agent_saves <= 1, f"{number}: {truth['save_count']} saves, {warnings}"


def test_reads_the_network_keeps_dropping_should_fail_the_posting_not_stop_the_run_as_drift(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, proxy: FaultyProxy
) -> None:
    posting = sandbox.postings(editable=True, limit=1)[0]["posting_number"]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], [[posting, s10(13_900_000)]],
                        "utf-8")
    proxy.configure(drop_read_rate=1.0)  # the page loads; every read of a posting dies unanswered

    result = apply_through(cli, proxy, source, workers=1)

    assert result.exit_code == 1, result.output
    assert journal_items(agent_settings)[posting][0] == "failed"
    assert sandbox.posting(posting)["save_count"] == 0



def results_rows(settings: Settings) -> dict[str, dict[str, str]]:
    """The rows of the last run's results.csv, by posting."""
    with open(max(settings.runs_dir.iterdir()) / "results.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["posting_number"]: row for row in csv.DictReader(handle)}


def report_rows(settings: Settings) -> dict[str, str]:
    """Each posting's row of the last run's report.html."""
    report = (max(settings.runs_dir.iterdir()) / "report.html").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r'<tr data-posting="([^"]+)"(.*?)</tr>', report, re.S)}


def sends_said(text: str) -> int:
    """The count a re-send warning in ``text`` names (0: none)."""
    return max((int(m.group(1)) for m in RESENT.finditer(text)), default=0)


@pytest.mark.slow
def test_every_posting_stored_more_than_once_should_say_so_in_its_row_when_overlapping_workers_share_one_save_url(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, proxy: FaultyProxy
) -> None:
    postings = sandbox.postings(editable=True, limit=10)
    rows = [[p["posting_number"], s10(13_800_000 + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    sandbox.configure(save_url="shared")  # the URL does not tell whose save it is: only the worker that sent it does
    proxy.reseed(5)
    proxy.configure(drop_save_rate=0.4, drop_read_rate=0.05, stall_page_rate=0.05, stall_s=1.0)

    result = apply_through(cli, proxy, source, workers=2)

    assert result.exit_code in (0, 1), result.output
    stored = {number: sandbox.posting(number)["save_count"] for number, _new in rows}
    twice = [n for n, count in stored.items() if count > 1]
    assert twice and len(twice) < len(rows), f"the network re-sent some saves and not others: {stored}"
    csv_rows, journal, report = results_rows(agent_settings), journal_items(agent_settings), report_rows(agent_settings)
    for number, count in stored.items():
        expected = count if count > 1 else 0
        said = {"results.csv": sends_said(csv_rows[number]["warnings"]),
                "journal": sends_said(" ".join(journal[number][1])), "report": sends_said(report[number])}
        assert said == dict.fromkeys(said, expected), f"{number} stored {count} times: {said}"
        assert csv_rows[number]["outcome"] in ("changed", "failed")
    assert re.search(rf"the browser re-sent the saves? of {len(twice)} postings?: see the warning", result.output)
