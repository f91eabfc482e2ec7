"""The live portal's anti-bot page in both of its forms, and 403/429 page loads: the run stops (exit 3),
the postings in hand stay pending, nothing is saved after it, and a resume finishes the run.

Forms (sandbox knob ``antibot_form``): ``challenge`` (title "Antibot Challenge Page", «Доступ ограничен»,
«Нам нужно убедиться, что вы не робот», an incident id ``fab_chlg_…``) and ``no_connection`` (only «Похоже, нет
соединения, код fab_chlg_…»: no heading, no telling title). The requests are counted by the sandbox's stats.
"""

from __future__ import annotations

import csv
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agent.core.settings import Settings
from pages.challenge import challenge_shown
from tests.conftest import Oracle, process_env
from tests.e2e.test_change import s10

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
FORMS = ["challenge", "no_connection"]


def journal(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(settings.journal_path) as db:
        return list(db.execute(sql))


def page_loads(sandbox: Oracle, status: int) -> int:
    """How many ``/app/`` page loads the sandbox answered with ``status`` (its stats)."""
    routes = sandbox.http.get("/_sandbox/stats").json()["routes"]
    return sum(r["statuses"].get(str(status), 0) for key, r in routes.items() if key.startswith("GET /app/"))


@pytest.mark.parametrize("form", FORMS)
def test_the_detector_should_know_each_real_portal_form_of_the_anti_bot_page(
    sandbox: Oracle, page: Page, form: str
) -> None:
    sandbox.configure(antibot_rate=1.0, antibot_form=form)
    try:
        page.goto(f"{sandbox.url}/app/postings/crossborder/fbs")

        expect(page.get_by_text("fab_chlg_", exact=False).first).to_be_visible()
        if form == "challenge":
            expect(page).to_have_title("Antibot Challenge Page")
        else:
            expect(page.get_by_text("Похоже, нет соединения", exact=False)).to_be_visible()
        assert challenge_shown(page)
    finally:  # the session-wide sign-in (tests/conftest.py) may run next, before the next test's reset
        sandbox.configure(antibot_rate=0.0)


@pytest.mark.parametrize("form", FORMS)
def test_change_should_stop_with_exit_3_on_each_form_of_the_anti_bot_page(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, form: str
) -> None:
    posting = sandbox.postings(editable=True, limit=5)[0]
    sandbox.configure(antibot_rate=1.0, antibot_form=form)

    result = cli("change", posting["posting_number"], s10(13_100_001))

    assert result.exit_code == 3, result.output
    assert "anti-bot" in result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0
    assert journal(agent_settings, "SELECT outcome FROM items") == [("pending",)]


@pytest.mark.parametrize("status", [403, 429], ids=["blocked-403", "throttled-429"])
def test_change_should_stop_at_the_first_403_or_429_page_load_without_retrying(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, status: int
) -> None:
    posting = sandbox.postings(editable=True, limit=5)[0]
    sandbox.configure(block_status=status)

    result = cli("change", posting["posting_number"], s10(13_100_002))

    assert result.exit_code == 3, result.output
    assert f"HTTP {status}" in " ".join(result.output.split())
    # One plain-HTTP first contact (preflight, no retries) and one page load by the browser, then nothing.
    assert page_loads(sandbox, status) == 2
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0
    assert journal(agent_settings, "SELECT outcome FROM items") == [("pending",)]


@pytest.fixture
def agent_env(agent_settings: Settings) -> dict[str, str]:
    return process_env(agent_settings)


def rows_file(sandbox: Oracle, tmp_path: Path, serial: int) -> tuple[Path, list[list[str]]]:
    postings = sandbox.postings(editable=True, limit=6)
    rows = [[p["posting_number"], s10(serial + i)] for i, p in enumerate(postings)]
    path = tmp_path / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["posting_number", "tracking_number"], *rows])
    return path, rows


def apply_until_stopped(sandbox: Oracle, agent_env: dict[str, str], source: Path, rows: list[list[str]],
                        trouble: Callable[[], None]) -> subprocess.CompletedProcess[str]:
    """``bulk apply`` with one worker; ``trouble`` starts once the first posting was saved."""
    agent = subprocess.Popen([sys.executable, "-m", "agent", "bulk", "apply", str(source), "--yes", "--workers", "1"],
                             cwd=REPO, env=agent_env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    fired = threading.Event()

    def watch() -> None:
        while not fired.wait(0.05):
            if any(sandbox.posting(n)["save_count"] for n, _ in rows):
                trouble()
                fired.set()

    threading.Thread(target=watch, daemon=True).start()
    output, _ = agent.communicate(timeout=300)
    fired.set()
    return subprocess.CompletedProcess(agent.args, agent.returncode, output, "")


def resume_to_the_end(sandbox: Oracle, agent_env: dict[str, str], settings: Settings, rows: list[list[str]]) -> None:
    run_id = str(journal(settings, "SELECT id FROM runs WHERE kind='bulk'")[0][0])
    resumed = subprocess.run([sys.executable, "-m", "agent", "bulk", "apply", "--resume", run_id], cwd=REPO,
                             env=agent_env, text=True, capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    for number, new in rows:
        truth = sandbox.posting(number)
        assert (truth["tracking_number"], truth["save_count"]) == (new, 1)


def assert_stopped_resumably(sandbox: Oracle, settings: Settings, result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 3, result.stdout
    pending = [n for (n,) in journal(settings, "SELECT posting_number FROM items WHERE outcome='pending'")]
    assert pending, result.stdout
    # One worker: at most the posting in hand had its save land before the page turned; none after it.
    assert sum(sandbox.posting(n)["save_count"] for n in pending) <= 1, "saved after the stop"


@pytest.mark.parametrize("form", FORMS)
def test_bulk_apply_should_stop_resumably_on_each_form_of_the_anti_bot_page(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], tmp_path: Path, form: str
) -> None:
    source, rows = rows_file(sandbox, tmp_path, 13_200_000 if form == "challenge" else 13_300_000)
    sandbox.configure(antibot_form=form)

    result = apply_until_stopped(sandbox, agent_env, source, rows, lambda: sandbox.configure(antibot_rate=1.0))

    assert_stopped_resumably(sandbox, agent_settings, result)
    assert "anti-bot" in result.stdout
    sandbox.configure(antibot_rate=0.0)  # a person cleared it
    resume_to_the_end(sandbox, agent_env, agent_settings, rows)


def test_bulk_apply_should_stop_at_a_429_without_retrying_and_resume_later(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], tmp_path: Path
) -> None:
    source, rows = rows_file(sandbox, tmp_path, 13_400_000)

    result = apply_until_stopped(sandbox, agent_env, source, rows, lambda: sandbox.configure(block_status=429))

    assert_stopped_resumably(sandbox, agent_settings, result)
    assert page_loads(sandbox, 429) == 1, "one worker, one throttled page load, no retries"
    sandbox.configure(block_status=0)
    resume_to_the_end(sandbox, agent_env, agent_settings, rows)
