"""A bulk run's workers share one browser and read each posting once before its change (the real sandbox).

The browser is started through a wrapper that writes down each start, then runs the real Chromium; the
sandbox's oracle counts each posting's reads and saves, and the journal when each change ran.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from agent.bulk import fibers
from agent.core.browser.choice import find_browser
from agent.core.settings import Settings
from tests.conftest import Oracle
from tests.e2e.test_bulk import journal, write_rows
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e


def counting_browser(folder: Path) -> tuple[Path, Path]:
    """A browser executable that notes each start in a file, then runs the real Chromium."""
    real = find_browser().executable
    assert real is not None, "these tests need a local Chromium"
    marker = folder / "browser-starts"
    wrapper = folder / "chromium-counting"
    wrapper.write_text(f"#!/bin/sh\necho started >> '{marker}'\nexec '{real}' \"$@\"\n", encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper, marker


def page_loads(sandbox: Oracle) -> int:
    """How many times the postings list page was loaded (the sandbox's own count)."""
    route = sandbox.http.get("/_sandbox/stats").json()["routes"].get("GET /app/postings/fbs", {})
    return int(route.get("count", 0))


def test_bulk_apply_should_share_one_browser_among_its_workers_and_read_each_posting_once_before_its_change(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    postings = [p["posting_number"] for p in sandbox.postings(editable=True, limit=6)]
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number"],
                        [[number, s10(71_000_000 + i)] for i, number in enumerate(postings)], "utf-8")
    wrapper, marker = counting_browser(tmp_path)
    sandbox.configure(latency_ms=150)  # each change waits on the portal: workers that interleave overlap

    loads_before = page_loads(sandbox)

    result = cli("bulk", "apply", str(source), "--yes", "--workers", "3",
                 env_extra={"OZON_RPA_BROWSER_PATH": str(wrapper)})

    assert result.exit_code == 0, result.output
    assert marker.read_text().splitlines() == ["started"], "one browser for the whole run: its workers are contexts"
    truth = {number: sandbox.posting(number) for number in postings}
    assert {n: t["save_count"] for n, t in truth.items()} == dict.fromkeys(postings, 1)
    # The apply's first read is the plan's read (nobody reviews a --yes plan): one read before, one read back.
    assert {n: t["reads"] for n, t in truth.items()} == dict.fromkeys(postings, 2)
    loads = page_loads(sandbox) - loads_before
    # The portal check, the sign-in, and one page load to open each posting: its read-back happens in the app.
    assert loads <= 2 + len(postings), loads
    spans = sorted((datetime.fromisoformat(a), datetime.fromisoformat(b))
                   for a, b in journal(agent_settings, "SELECT started_at, finished_at FROM items"))
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)), \
        "the workers' changes overlap in time"


def test_bulk_plan_with_every_row_rejected_should_start_no_browser(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number"],
                        [["12345678-0001-1", "not a number!"]], "utf-8")
    wrapper, marker = counting_browser(tmp_path)

    result = cli("bulk", "plan", str(source), env_extra={"OZON_RPA_BROWSER_PATH": str(wrapper)})

    assert result.exit_code == 0, result.output
    assert not marker.exists(), "nothing to read in the portal: no browser"


def test_bulk_apply_on_a_playwright_without_what_the_fibers_use_should_go_on_with_one_worker_and_say_so_once(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A later Playwright release that renamed the private method the fibers call: the pool must notice at start.
    monkeypatch.setattr(fibers, "PRIVATE_SYNC", "_sync_renamed_in_a_later_release")
    postings = [p["posting_number"] for p in sandbox.postings(editable=True, limit=3)]
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number"],
                        [[number, s10(71_100_000 + i)] for i, number in enumerate(postings)], "utf-8")
    sandbox.configure(latency_ms=150)  # with fibers, these changes would overlap

    result = cli("bulk", "apply", str(source), "--yes", "--workers", "3")

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert said.count("lacks what the parallel workers use of its sync API: this run uses one worker") == 1, said
    assert {n: sandbox.posting(n)["save_count"] for n in postings} == dict.fromkeys(postings, 1)
    spans = sorted((datetime.fromisoformat(a), datetime.fromisoformat(b))
                   for a, b in journal(agent_settings, "SELECT started_at, finished_at FROM items"))
    assert all(earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:], strict=False)), \
        "one posting after another"
