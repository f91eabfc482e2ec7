"""Read-back: a save answered 200 is no proof. The agent reads the portal again and believes only that.

The sandbox's ``save_mismatch`` knob answers a save with success while the portal keeps nothing (``drop``) or
another number (``other``: a portal bug, a race with another session).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Route

from agent.core.records import PostingSnapshot
from agent.core.settings import Settings
from pages.posting_details import PostingDetails
from scenarios.portal import ReadBackRoute
from tests.conftest import Oracle, run_in_thread
from tests.e2e.test_change import s10
from tests.e2e.test_readback_asking_again import posting_with_number

#: The agent's window (agent/core/browser/session.py): a picture of the whole page is that wide.
VIEWPORT_WIDTH = 1440

pytestmark = pytest.mark.e2e


def changes_csv(folder: Path, rows: list[tuple[str, str]]) -> Path:
    """A bulk input file of (posting number, new tracking number) rows."""
    source = folder / "c.csv"
    source.write_text("posting_number,tracking_number\n" + "".join(f"{n},{t}\n" for n, t in rows), encoding="utf-8")
    return source


def apply_with_saves_dropped(cli: Callable[..., Any], sandbox: Oracle, settings: Settings, folder: Path,
                             rows: list[tuple[str, str]]) -> Any:
    """``bulk apply`` of ``rows`` with one worker, checked: each posting sent once, and `changed` exactly where
    the portal kept the number (some, not all); returns the command's result."""
    result = cli("bulk", "apply", str(changes_csv(folder, rows)), "--yes", "--workers", "1")
    with sqlite3.connect(settings.journal_path) as db:
        outcomes = dict(db.execute("SELECT posting_number, outcome FROM items"))
    truths = {n: sandbox.posting(n) for n, _ in rows}
    stuck = {n for n, t in rows if truths[n]["tracking_number"] == t}
    assert 0 < len(stuck) < len(rows), "the seeded knob drops some saves and keeps others"
    assert outcomes == {n: "changed" if n in stuck else "failed" for n, _ in rows}, result.output
    assert all(t["save_requests"] == 1 for t in truths.values()), "no posting is sent twice"
    return result


def journal_items(settings: Settings) -> list[tuple[Any, ...]]:
    with sqlite3.connect(settings.journal_path) as db:
        return list(db.execute("SELECT outcome, old_tracking, error FROM items"))


@pytest.mark.every_skin
@pytest.mark.parametrize("mode", ["drop", "other"], ids=["save-not-stored", "another-number-stored"])
def test_change_should_fail_naming_the_portals_value_when_a_save_answers_success_but_does_not_stick(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, mode: str
) -> None:
    posting = sandbox.postings(editable=True, limit=10)[6]
    number = posting["posting_number"]
    new = s10(13_000_001 if mode == "drop" else 13_000_002)
    sandbox.configure(save_mismatch_rate=1.0, save_mismatch=mode)

    result = cli("change", number, new)

    truth = sandbox.posting(number)
    kept = truth["tracking_number"]
    assert kept != new
    if mode == "drop":
        assert kept == posting["tracking_number"] and truth["save_count"] == 0
    assert result.exit_code == 1, result.output
    assert "failed" in result.output and "changed" not in result.output.replace("unchanged", "")
    assert truth["save_requests"] == 1, "a save the portal answered with success is never sent again"
    [(outcome, old, error)] = journal_items(agent_settings)
    assert outcome == "failed"
    assert old == posting["tracking_number"]
    assert (kept or "no number") in error and new in error, error
    assert (kept or "no number") in result.output


def test_bulk_apply_should_fail_only_the_postings_whose_save_did_not_stick(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Any
) -> None:
    postings = sandbox.postings(editable=True, limit=14)[10:14]
    rows = [(p["posting_number"], s10(13_000_010 + i)) for i, p in enumerate(postings)]
    # One worker and a seeded knob: the saves meet the mismatch in a fixed order (rate 0.5 with seed 42).
    sandbox.configure(save_mismatch_rate=0.5, save_mismatch="drop")

    result = apply_with_saves_dropped(cli, sandbox, agent_settings, tmp_path, rows)

    assert result.exit_code == 1, result.output


def test_change_should_count_a_save_whose_last_answer_was_lost_as_changed_after_one_more_read(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = sandbox.postings(editable=True, limit=10)[7]
    number = posting["posting_number"]
    new = s10(13_000_003)
    sandbox.configure(ack_loss_rate=1.0)  # stored, but the answer is a 504: only a read shows it landed

    result = cli("change", number, new, env_extra={"OZON_RPA_RETRIES": "1"})

    assert result.exit_code == 0, result.output
    truth = sandbox.posting(number)
    assert (truth["tracking_number"], truth["save_requests"]) == (new, 1)
    [(outcome, old, error)] = journal_items(agent_settings)
    assert (outcome, old) == ("changed", posting["tracking_number"])
    # Its evidence is the details as that read showed them (a drawer, a page section), not the whole page.
    with sqlite3.connect(agent_settings.journal_path) as db:
        [(run_id, evidence)] = db.execute("SELECT run_id, evidence FROM items").fetchall()
    [after] = [name for name in json.loads(evidence) if name.endswith("after.jpg")]
    with Image.open(agent_settings.runs_dir / run_id / after) as picture:
        assert picture.width < VIEWPORT_WIDTH, "the details alone, not the whole page"


def test_change_should_end_failed_naming_the_portals_answer_when_every_save_fails(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = sandbox.postings(editable=True, limit=10)[8]
    number = posting["posting_number"]
    sandbox.configure(fail_rate=1.0)

    result = cli("change", number, s10(13_000_004))

    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    truth = sandbox.posting(number)
    assert (truth["tracking_number"], truth["save_count"]) == (posting["tracking_number"], 0)
    assert truth["save_requests"] == agent_settings.retries, "every attempt saves only after reading it did not land"
    [(outcome, old, error)] = journal_items(agent_settings)
    assert outcome == "failed" and "503" in error, error


@pytest.mark.parametrize("memory", ["memory", "stale", "revalidate"],
                         ids=["app-answers-from-memory", "app-shows-memory-first", "app-asks-but-shows-memory"])
@pytest.mark.every_skin
def test_change_should_not_take_an_apps_memory_for_the_portals_answer(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, memory: str
) -> None:
    # A front end with a client store: after a save it shows the save's own answer when the drawer is opened
    # again: without asking the portal ("memory"), before the portal's answer comes ("stale"), or instead of
    # the answer it asked for ("revalidate"). The save was answered with success but not stored: only a fresh
    # answer of the portal, read as the portal gave it, tells.
    posting = sandbox.postings(editable=True, limit=20)[18]
    number = posting["posting_number"]
    new = s10({"memory": 13_000_031, "stale": 13_000_032, "revalidate": 13_000_033}[memory])
    sandbox.configure(save_mismatch_rate=1.0, save_mismatch="drop", client_cache=memory)

    result = cli("change", number, new)

    truth = sandbox.posting(number)
    assert truth["tracking_number"] == posting["tracking_number"] and truth["save_count"] == 0
    assert result.exit_code == 1, result.output
    assert truth["save_requests"] == 1, "a save the portal answered with success is never sent again"
    [(outcome, _, error)] = journal_items(agent_settings)
    assert outcome == "failed" and new in error, error


def test_bulk_apply_should_read_back_by_page_loads_when_the_app_answers_from_memory(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Any
) -> None:
    postings = sandbox.postings(editable=True, limit=24)[20:24]
    rows = [(p["posting_number"], s10(13_000_040 + i)) for i, p in enumerate(postings)]
    # Every second save is answered with success but not stored; the app shows its memory when reopened.
    sandbox.configure(save_mismatch_rate=0.5, save_mismatch="drop", client_cache="memory")

    result = apply_with_saves_dropped(cli, sandbox, agent_settings, tmp_path, rows)

    assert result.exit_code == 1, result.output


def test_read_back_should_load_the_page_when_the_list_behind_the_drawer_does_not_show_the_posting(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # A list that does not show the posting's row (a front end that ignores the list's filter, a posting past
    # its first page) leaves no row to reopen the drawer from: the posting is read with a page load instead.
    from agent.runner import workbench
    from scenarios.find_posting import open_posting, reread_posting

    number = sandbox.postings(editable=True, limit=30)[25]["posting_number"]
    loads: list[str] = []

    def read_twice() -> tuple[PostingSnapshot, PostingDetails, PostingSnapshot]:
        with workbench(agent_settings) as bench:  # in a thread of its own, as the CLI runs it (no asyncio loop)
            portal = bench.portal
            portal.read_back.ask_again = False  # the reopen's own fallback is what is tested here
            drawer, before = open_posting(portal, number)
            portal.page.evaluate("document.querySelectorAll('tbody tr').forEach(row => row.remove())")
            portal.page.on("request", lambda request: loads.append(request.url)
                           if request.resource_type == "document" else None)
            again, posting = reread_posting(portal, drawer, before.tracking_number)
        return before, again, posting

    before, again, posting = run_in_thread(read_twice)

    assert posting == before
    assert again.posting_number == number
    assert len(loads) == 1 and number in loads[0]  # one page load of the posting's own URL


def test_change_should_end_failed_when_every_save_fails_and_the_read_after_them_fails_too(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # After the last failed save the agent reads the posting once more: a save whose answer was lost may have
    # landed. When that read fails too (the portal went down), nothing shows a save landed: the posting ends
    # `failed`, written to the journal, never left `pending` as if it had settled.
    from agent.core.records import ChangeRequest, Outcome
    from agent.runner import run_change, workbench

    posting = sandbox.postings(editable=True, limit=30)[27]
    number = posting["posting_number"]
    sandbox.configure(fail_rate=1.0)
    settings = agent_settings.model_copy(update={"retries": 1})
    saves: list[str] = []
    refused: list[str] = []

    def page_loads_after_the_save_fail(route: Route) -> None:
        if saves and route.request.resource_type == "document":
            refused.append(route.request.url)
            route.abort("connectionrefused")
        else:
            route.fallback()

    def change() -> tuple[Outcome, str, str]:
        with workbench(settings) as bench:  # in a thread of its own, as the CLI runs it (no asyncio loop)
            page = bench.portal.page
            page.on("request", lambda request: saves.append(request.url) if request.method != "GET" else None)
            bench.context.route("**/*", page_loads_after_the_save_fail)
            run, result = run_change(bench, ChangeRequest(posting_number=number, new_tracking=s10(13_000_091)))
            [(journalled,)] = sqlite3.connect(settings.journal_path).execute(
                "SELECT outcome FROM items WHERE run_id = ?", (run.id,)).fetchall()
        return result.outcome, journalled, result.error or ""

    outcome, journalled, error = run_in_thread(change)

    assert len(saves) == 1, "the save was sent once (and refused by the portal)"
    assert refused and number in refused[0], "the read after it was tried, and failed"
    assert (outcome, journalled) == (Outcome.FAILED, "failed")
    assert "503" in error, error
    truth = sandbox.posting(number)
    assert (truth["tracking_number"], truth["save_count"]) == (posting["tracking_number"], 0)


@pytest.mark.parametrize("ask_again", [True, False], ids=["asking-again", "reopening"])
def test_read_back_should_sign_in_again_with_a_page_load_when_the_session_lapses_during_the_read_back(
    sandbox: Oracle, agent_settings: Settings, ask_again: bool
) -> None:
    # The session ends between the save and its read-back: the portal refuses the question asked again (401), or
    # the app's own request about the posting when the drawer is reopened, and the app goes to sign in. The
    # read-back then opens the posting with a page load, which signs in again, and reads it from there; the
    # faster read-backs stay on for the postings after it.
    from agent.runner import workbench
    from scenarios.find_posting import open_posting, reread_posting

    number = posting_with_number(sandbox, 10 if ask_again else 11)["posting_number"]  # its field is learned
    loads: list[str] = []

    def read_twice() -> tuple[PostingSnapshot, PostingDetails, PostingSnapshot, ReadBackRoute]:
        with workbench(agent_settings) as bench:  # in a thread of its own, as the CLI runs it (no asyncio loop)
            portal = bench.portal
            portal.read_back.ask_again = ask_again
            drawer, before = open_posting(portal, number)
            sandbox.expire_sessions()
            portal.page.on("request", lambda request: loads.append(request.url)
                           if request.resource_type == "document" else None)
            again, posting = reread_posting(portal, drawer, before.tracking_number)
            return before, again, posting, portal.read_back

    before, again, posting, route = run_in_thread(read_twice)

    assert posting == before
    assert again.posting_number == number
    assert any(number in url for url in loads), "the posting was read with a page load"
    assert (route.in_app, route.ask_again) == (True, ask_again), "a lapsed session turns no read-back off"
    assert bool(route.tracking_fields) == ask_again
