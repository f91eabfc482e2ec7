"""``ozon-rpa change`` end to end: the real CLI, a real Chromium, the real sandbox server. No mocks."""

from __future__ import annotations

import json
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from agent.rules.tracking import s10_check_digit
from tests.conftest import Oracle

pytestmark = pytest.mark.e2e


def s10(serial: int, country: str = "CN", service: str = "RR") -> str:
    """A valid UPU S10 number for a serial (distinct per test, so the duplicate rule stays out of the way)."""
    digits = f"{serial:08d}"
    return f"{service}{digits}{s10_check_digit(digits)}{country}"


def editable(sandbox: Oracle, index: int = 0, **query: Any) -> dict[str, Any]:
    """An editable posting of the sandbox."""
    return sandbox.postings(editable=True, limit=50, **query)[index]


def journal_rows(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(settings.journal_path) as db:
        return list(db.execute(sql))


@pytest.mark.every_skin
@pytest.mark.parametrize("lang", ["ru", "zh"], ids=["russian-portal", "chinese-portal"])
def test_change_should_save_verify_and_record_with_masked_evidence(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, lang: str
) -> None:
    posting = editable(sandbox, 1 if lang == "zh" else 0)
    new = s10(11_000_001 if lang == "ru" else 11_000_002)

    result = cli("change", posting["posting_number"], new, "--reason", "carrier mix-up",
                 env_extra={"OZON_RPA_LANG": lang})

    assert result.exit_code == 0, result.output
    assert "changed" in result.output
    truth = sandbox.posting(posting["posting_number"])
    assert truth["tracking_number"] == new
    assert truth["save_count"] == 1
    assert truth["tracking_history"][-1]["old"] == posting["tracking_number"]
    rows = journal_rows(agent_settings, "SELECT posting_number, old_tracking, new_tracking, outcome, reason, evidence"
                                        " FROM items")
    assert rows[0][:5] == (posting["posting_number"], posting["tracking_number"], new, "changed", "carrier mix-up")
    evidence = json.loads(rows[0][5])
    assert {Path(p).name for p in evidence} == {"before.jpg", "after.jpg"}
    run_dir = next(agent_settings.runs_dir.iterdir())
    assert all((run_dir / p).stat().st_size > 1000 for p in evidence)
    assert not list(run_dir.rglob("trace.zip")), "traces are kept only for failures"


def test_change_should_say_unchanged_and_save_nothing_when_the_number_is_already_there(
    cli: Callable[..., Any], sandbox: Oracle
) -> None:
    posting = next(p for p in sandbox.postings(editable=True, limit=100) if p["tracking_number"])

    result = cli("change", posting["posting_number"], posting["tracking_number"].lower(), "--force")

    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0


def test_change_should_reject_a_posting_that_does_not_exist(cli: Callable[..., Any], sandbox: Oracle) -> None:
    result = cli("change", "10000000-0000-1", s10(11_000_003))

    assert result.exit_code == 1
    assert "rejected" in result.output and "not found" in result.output


@pytest.mark.every_skin
def test_change_should_reject_a_posting_that_is_not_editable(cli: Callable[..., Any], sandbox: Oracle) -> None:
    posting = sandbox.postings(editable=False, limit=1)[0]

    result = cli("change", posting["posting_number"], s10(11_000_004))

    assert result.exit_code == 1
    assert "rejected" in result.output and "not editable" in result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0


def test_change_should_reject_a_probable_typo_without_touching_the_portal(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = editable(sandbox)
    good = s10(11_000_005)
    typo = good[:10] + str((int(good[10]) + 1) % 10) + good[11:]

    result = cli("change", posting["posting_number"], typo)

    assert result.exit_code == 1
    assert "probable typo" in result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0
    assert journal_rows(agent_settings, "SELECT outcome FROM items") == [("rejected",)]


@pytest.mark.every_skin
def test_change_should_save_once_when_the_portal_loses_the_acknowledgement(
    cli: Callable[..., Any], sandbox: Oracle
) -> None:
    posting = editable(sandbox, 2)
    sandbox.configure(ack_loss_rate=1.0)
    new = s10(11_000_006)

    result = cli("change", posting["posting_number"], new)

    assert result.exit_code == 0, result.output
    truth = sandbox.posting(posting["posting_number"])
    assert truth["tracking_number"] == new
    assert truth["save_count"] == 1, "a save whose answer was lost must not be repeated"


@pytest.mark.every_skin  # the double send on every front end: the one warning a single change gives
def test_change_should_warn_when_the_page_sends_the_save_twice_for_one_click(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = editable(sandbox, 4)
    sandbox.configure(double_submit=True)  # the portal's own script sends the save twice for one click of Save
    new = s10(11_000_040)

    result = cli("change", posting["posting_number"], new)

    assert result.exit_code == 0, result.output
    truth = sandbox.posting(posting["posting_number"])
    assert (truth["tracking_number"], truth["save_count"]) == (new, 2), "one click, stored twice"
    said = " ".join(result.output.split())
    assert "warning: the save was sent 2 times for one click" in said, said
    [(outcome, warnings)] = journal_rows(agent_settings, "SELECT outcome, warnings FROM items")
    assert (outcome, json.loads(warnings)) == ("changed", ["the save was sent 2 times for one click"])


@pytest.mark.every_skin
def test_change_should_fail_after_retries_and_keep_a_private_trace_when_every_save_fails(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = editable(sandbox, 3)
    sandbox.configure(fail_rate=1.0)

    result = cli("change", posting["posting_number"], s10(11_000_007))

    assert result.exit_code == 1
    assert "failed" in result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0
    attempts = journal_rows(agent_settings, "SELECT count(*) FROM attempts")[0][0]
    assert attempts == agent_settings.retries
    traces = list(agent_settings.runs_dir.rglob("trace.zip"))
    assert len(traces) == 1
    assert stat.S_IMODE(traces[0].stat().st_mode) == 0o600


def test_change_should_sign_in_again_when_the_session_expires_mid_change(
    cli: Callable[..., Any], sandbox: Oracle
) -> None:
    posting = editable(sandbox, 4)
    sandbox.configure(latency_ms=150)
    codes_before = len(sandbox.http.get("/_sandbox/outbox").json()["messages"])
    stop = threading.Event()

    def expire_once_the_drawer_was_read() -> None:
        # Test-side polling of the oracle: end every session right after the agent has read the posting.
        while not stop.wait(0.02):
            routes = sandbox.http.get("/_sandbox/stats").json()["routes"]
            if routes.get("GET /api/postings/{number}", {}).get("count", 0) >= 1:
                sandbox.expire_sessions()
                return

    watcher = threading.Thread(target=expire_once_the_drawer_was_read)
    sandbox.http.post("/_sandbox/reset")  # zero the request counters the watcher reads
    sandbox.configure(latency_ms=150, skin=sandbox.skin)
    watcher.start()
    try:
        result = cli("change", posting["posting_number"], s10(11_000_008))
    finally:
        stop.set()
        watcher.join()

    assert result.exit_code == 0, result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 1
    assert len(sandbox.http.get("/_sandbox/outbox").json()["messages"]) > codes_before, "it signed in again"


def test_change_should_stop_with_exit_3_on_the_anti_bot_page_and_leave_the_posting_pending(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = editable(sandbox)
    sandbox.configure(antibot_rate=1.0)

    result = cli("change", posting["posting_number"], s10(11_000_009))

    assert result.exit_code == 3
    assert "--interactive" in result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0
    assert journal_rows(agent_settings, "SELECT outcome FROM items") == [("pending",)]


def test_change_should_notify_the_buyer_through_the_chat(cli: Callable[..., Any], sandbox: Oracle) -> None:
    posting = next(p for p in sandbox.postings(editable=True, limit=100) if p["chat_available"])
    new = s10(11_000_010)

    result = cli("change", posting["posting_number"], new, "--notify", "--carrier", "china_post")

    assert result.exit_code == 0, result.output
    assert "buyer notice: sent" in result.output
    messages = sandbox.posting(posting["posting_number"])["messages"]
    assert any(new in m["text"] and "Почта Китая" in m["text"] for m in messages)


def test_change_should_keep_the_notice_when_the_chat_is_unavailable(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    posting = editable(sandbox, 5)
    sandbox.configure(chat_subscription=False)
    new = s10(11_000_011)

    result = cli("change", posting["posting_number"], new, "--notify")

    assert result.exit_code == 0, result.output  # a notice never fails the change
    assert "undelivered" in result.output
    assert sandbox.posting(posting["posting_number"])["messages"] == []
    notices = journal_rows(agent_settings, "SELECT delivered, text FROM notices")
    assert notices[0][0] == 0 and new in notices[0][1]


def test_change_should_find_the_posting_by_buyer_name(cli: Callable[..., Any], sandbox: Oracle) -> None:
    postings = sandbox.postings(editable=True, limit=300)
    names = [p["buyer_name"] for p in sandbox.postings(limit=1000)]
    posting = next(p for p in postings if names.count(p["buyer_name"]) == 1)
    new = s10(11_000_012)

    result = cli("change", "--by-buyer", posting["buyer_name"], new)

    assert result.exit_code == 0, result.output
    assert sandbox.posting(posting["posting_number"])["tracking_number"] == new


def test_change_should_reject_when_the_items_differ_from_the_expected_ones(
    cli: Callable[..., Any], sandbox: Oracle
) -> None:
    posting = editable(sandbox)
    sku = posting["items"][0]["sku"]

    result = cli("change", posting["posting_number"], s10(11_000_013), "--expect-item", f"{sku}=99")

    assert result.exit_code == 1
    assert "pre-check failed" in result.output and sku in result.output
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0


def test_change_should_keep_codes_and_cookies_out_of_the_logs(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    agent_settings.storage_state_path.unlink()  # force a fresh sign-in with a code
    posting = editable(sandbox)

    result = cli("-v", "change", posting["posting_number"], s10(11_000_014))

    assert result.exit_code == 0, result.output
    code = sandbox.http.get("/_sandbox/outbox").json()["messages"][-1]["code"]
    cookies = json.loads(agent_settings.storage_state_path.read_text())["cookies"]
    sid = next(c["value"] for c in cookies if c["name"] == "sid")
    assert code not in result.output
    assert sid not in result.output
    assert stat.S_IMODE(agent_settings.storage_state_path.stat().st_mode) == 0o600


@pytest.mark.parametrize("pages_before", [1, 2], ids=["on-the-first-page", "on-a-later-page"])
def test_bulk_should_sign_in_again_when_the_session_lapses_between_a_page_load_and_its_apps_request(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path, pages_before: int
) -> None:
    # The page is served whole; the request its app makes next is refused (401) and the app goes to sign in by
    # itself, after the page loaded. That is a lapsed session to sign in again, never UI drift (which would stop
    # the run with exit 3).
    postings = sandbox.postings(editable=True, limit=30)[25:28]
    rows = [(p["posting_number"], s10(11_000_100 + 10 * pages_before + i)) for i, p in enumerate(postings)]
    source = tmp_path / "c.csv"
    source.write_text("posting_number,tracking_number\n" + "".join(f"{n},{t}\n" for n, t in rows), encoding="utf-8")
    codes_before = len(sandbox.http.get("/_sandbox/outbox").json()["messages"])
    # Latency: the app's refused request comes back well after the page has loaded and been looked at.
    sandbox.configure(latency_ms=300)
    # The pages a run loads: the sign-in check, then one per posting.
    sandbox.expire_sessions(after_pages=pages_before + 1)

    result = cli("bulk", "apply", str(source), "--yes", "--workers", "1")

    assert result.exit_code == 0, result.output
    for number, new in rows:
        truth = sandbox.posting(number)
        assert truth["tracking_number"] == new and truth["save_count"] == 1
    assert len(sandbox.http.get("/_sandbox/outbox").json()["messages"]) > codes_before, "it signed in again"
