"""A portal of another shape, as a new user meets it: the sandbox's inline front end (``--skin inline``).

There a posting's details are a page section replacing the list (its own heading, a back link, nothing modal)
and the number is edited in place; the title, the edit control, Cancel and the chat button are worded otherwise
than the label table says. Without a profile nothing is saved, every command stops (exit 3) naming what it could
not find, and ``doctor`` fails saying what it looked for and what it saw instead. ``calibrate``, with a person who
clicks what the banner asks for, writes the profile; with it every command passes.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from agent.core.settings import Settings
from agent.runner import workbench
from pages.profile import use_profile
from scenarios.calibrate import Calibration, calibrate
from tests.conftest import PROFILES, Oracle, run_in_thread
from tests.e2e.test_bulk import write_rows
from tests.e2e.test_change import s10

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.skins("inline")]

#: What the inline skin shows instead of the label table's words (ru), by the label names calibrate asks for.
SHOWN = {"drawer_name": "Отправление № {}", "edit_tracking": "Изменить", "chat_buyer": "Чат с покупателем",
         "close": "← К заказам", "cancel": "Отменить"}


@pytest.fixture
def no_profile(agent_settings: Settings) -> Iterator[Settings]:
    """The agent as a new user runs it: no portal profile (the sandbox fixture installed the skin's)."""
    use_profile(None)
    yield agent_settings.model_copy(update={"portal_profile": None})
    use_profile(None)


def bare(cli: Callable[..., Any], *args: str) -> Any:
    """The command without the skin's profile."""
    return cli(*args, env_extra={"OZON_RPA_PORTAL_PROFILE": None})  # unset: Click drops a None variable


def person_clicking(asked: list[str]) -> Callable[[Page, str, str], None]:
    """A person who reads the banner and clicks what it asks for, as the inline front end shows it."""

    def click(page: Page, name: str, _words: str) -> None:
        asked.append(name)
        if name == "drawer_name":  # the posting's title: its heading
            page.get_by_role("heading", level=1).click()
        elif name == "close":
            page.get_by_role("link", name=SHOWN["close"], exact=True).click()
        else:
            page.get_by_role("button", name=SHOWN[name], exact=True).click()

    return click


def test_without_a_profile_nothing_should_be_saved_and_every_stop_should_name_what_is_missing(
    cli: Callable[..., Any], sandbox: Oracle, no_profile: Settings, tmp_path: Path
) -> None:
    postings = sandbox.postings(editable=True, limit=3)
    number = postings[0]["posting_number"]

    changed = bare(cli, "change", number, s10(17_000_001))
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number"],
                        [[p["posting_number"], s10(17_000_010 + i)] for i, p in enumerate(postings)], "utf-8")
    applied = bare(cli, "bulk", "apply", str(source), "--yes")
    watched = bare(cli, "watch", "--once")
    captured = bare(cli, "capture", "-o", str(tmp_path / "bug.zip"))
    doctor = bare(cli, "doctor")

    title = f"Отправление {number}"
    assert changed.exit_code == 3, changed.output
    assert f"PostingDetails cannot find '{title}'" in changed.output
    assert applied.exit_code == 3, applied.output
    assert "PostingDetails cannot find 'Отправление " in applied.output
    for stopped in (watched, captured):  # both open a posting's details (the watch: those it needs)
        assert stopped.exit_code == 3, stopped.output
        assert "PostingDetails cannot find 'Отправление " in " ".join(stopped.output.split())
    assert doctor.exit_code == 1, doctor.output
    flat = " ".join(doctor.output.split())
    assert 'drawer_name = "<the title you see, with {} where the number is>"' in flat
    assert "«Отправление №" in flat, "doctor should say what the page shows instead"
    assert "ozon-rpa calibrate" in flat
    assert all(sandbox.posting(p["posting_number"])["save_requests"] == 0 for p in postings)


def test_calibrate_should_learn_the_shape_and_its_profile_should_make_every_command_pass(
    cli: Callable[..., Any], sandbox: Oracle, no_profile: Settings, tmp_path: Path
) -> None:
    editable = [p for p in sandbox.postings(editable=True, limit=20)]
    number = editable[0]["posting_number"]
    before = sandbox.posting(number)
    profile = tmp_path / "portal.toml"
    profile.write_text("# my shop's portal\n", encoding="utf-8")
    asked: list[str] = []

    def run() -> Calibration:
        with workbench(no_profile) as bench:
            return calibrate(bench.portal, number, profile, person_clicking(asked), timeout_ms=20_000)

    result = run_in_thread(run)

    assert asked == ["drawer_name", "edit_tracking", "chat_buyer", "close", "cancel"]
    written = profile.read_text(encoding="utf-8")
    assert written.startswith("# my shop's portal"), "the person's own lines are kept"
    learnt = tomllib.loads(written)
    shipped = tomllib.loads(PROFILES["inline"].read_text(encoding="utf-8"))
    assert learnt == {"labels": {"ru": shipped["labels"]["ru"]}, "shape": {"details": "section", "editor": "in_place"}}
    assert result.check is not None and result.check.ok, result.check
    after = sandbox.posting(number)
    assert (after["tracking_number"], after["save_requests"]) == (before["tracking_number"], 0), "calibrate saved"

    use_profile(None)  # what the next commands get is only the file
    with_profile = {"OZON_RPA_PORTAL_PROFILE": str(profile)}
    other = editable[1]
    carrier = next(c for c in ("cdek", "china_post", "boxberry") if c != other["carrier"])
    assert cli("change", number, s10(17_000_101), env_extra=with_profile).exit_code == 0
    assert cli("change", other["posting_number"], s10(17_000_102), "--carrier", carrier,
               env_extra=with_profile).exit_code == 0
    rows = [[p["posting_number"], s10(17_000_110 + i)] for i, p in enumerate(editable[2:5])]
    source = write_rows(tmp_path / "bulk.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    applied = cli("bulk", "apply", str(source), "--yes", "--workers", "2", env_extra=with_profile)
    chatty = next(p for p in editable[5:] if p["chat_available"])["posting_number"]
    noticed = cli("change", chatty, s10(17_000_120), "--notify", env_extra=with_profile)
    notified = cli("notify", chatty, env_extra=with_profile)
    watched = cli("watch", "--once", env_extra=with_profile)
    captured = cli("capture", "-o", str(tmp_path / "bug.zip"), env_extra=with_profile)
    healthy = cli("doctor", env_extra=with_profile)

    assert (sandbox.posting(number)["tracking_number"], sandbox.posting(number)["save_count"]) == (s10(17_000_101), 1)
    moved = sandbox.posting(other["posting_number"])
    assert (moved["tracking_number"], moved["carrier"], moved["save_count"]) == (s10(17_000_102), carrier, 1)
    assert applied.exit_code == 0, applied.output
    for posting, new in rows:
        truth = sandbox.posting(posting)
        assert (truth["tracking_number"], truth["save_count"]) == (new, 1), posting
    assert noticed.exit_code == 0 and notified.exit_code == 0, notified.output
    assert len(sandbox.posting(chatty)["messages"]) == 2
    assert watched.exit_code in (0, 1), watched.output  # 1: abnormal postings found, which the sandbox seeds
    assert "drift" not in watched.output.lower()
    assert captured.exit_code == 0, captured.output
    assert healthy.exit_code == 0, healthy.output
    assert "a section of the list's page" in " ".join(healthy.output.split())
