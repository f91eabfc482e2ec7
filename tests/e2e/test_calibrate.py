"""``calibrate`` end to end with a scripted person: the sandbox renames labels (as the live portal would), the
agent asks for each control it cannot find, a person clicks it in the browser (here: Playwright, on the same
page), and the profile it writes makes ``change`` and ``doctor`` pass, with no code changed. Nothing is saved
while calibrating: the clicks are caught before the portal sees them, and the dialog is cancelled.
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
from tests.conftest import Oracle, run_in_thread
from tests.e2e.test_change import s10

# Renamed labels on a drawer and its dialog, taught by clicks (a portal of another shape: tests/e2e/test_shapes.py).
pytestmark = [pytest.mark.e2e, pytest.mark.skins("modern")]

#: The sandbox's i18n key -> (the label name in pages/labels.py, what the "portal" now shows).
RENAMED = {"drawer.edit_tracking": ("edit_tracking", "Редактировать трек"),
           "dialog.tracking": ("tracking_input", "Номер для отслеживания"),
           "dialog.save": ("save", "Готово")}


@pytest.fixture(autouse=True)
def no_profile_left() -> Iterator[None]:
    """The profile is installed process-wide: every test starts and ends with the label tables as shipped."""
    use_profile(None)
    yield
    use_profile(None)


def scripted_person(asked: list[str]) -> Callable[[Page, str, str], None]:
    """A person who reads the banner and clicks the control as it is now named on the screen."""
    shown = {name: text for name, text in RENAMED.values()}

    def click(page: Page, name: str, words: str) -> None:
        asked.append(name)
        text = shown[name]
        if name == "tracking_input":  # the box under its words (a front end may tie no <label> to it)
            target = page.get_by_role("dialog").filter(has_text=text).get_by_role("textbox").first
        else:
            target = page.get_by_role("button", name=text, exact=True)
        target.click()

    return click


def test_calibrate_should_learn_every_renamed_control_from_a_persons_clicks_and_its_profile_should_make_change_pass(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    number = sandbox.postings(editable=True, limit=5)[0]["posting_number"]
    before = sandbox.posting(number)
    for key, (_name, text) in RENAMED.items():
        sandbox.set_label("ru", key, text)
    profile = tmp_path / "portal.toml"
    asked: list[str] = []

    def run() -> Calibration:
        with workbench(agent_settings) as bench:
            return calibrate(bench.portal, number, profile, scripted_person(asked), timeout_ms=20_000)

    result = run_in_thread(run)

    assert asked == ["edit_tracking", "tracking_input", "save"]
    learnt = tomllib.loads(profile.read_text(encoding="utf-8"))
    assert learnt == {"labels": {"ru": {name: text for name, text in RENAMED.values()}},
                      "shape": {"details": "drawer", "editor": "dialog"}}  # what the person's portal showed
    assert result.check is not None and result.check.ok, result.check
    after = sandbox.posting(number)
    assert (after["tracking_number"], after["save_count"]) == (before["tracking_number"], before["save_count"]), \
        "calibrate saved something"

    use_profile(None)  # what the next commands get is only the file
    new = s10(16_000_001)
    changed = cli("--profile", str(profile), "change", number, new)
    healthy = cli("--profile", str(profile), "doctor")

    assert changed.exit_code == 0, changed.output
    assert sandbox.posting(number)["tracking_number"] == new
    assert healthy.exit_code == 0, healthy.output


def test_calibrate_command_should_ask_nothing_and_write_nothing_when_every_control_is_found(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path
) -> None:
    number = sandbox.postings(editable=True, limit=5)[1]["posting_number"]
    profile = tmp_path / "portal.toml"

    result = cli("--profile", str(profile), "calibrate", number, "--headless")

    assert result.exit_code == 0, result.output
    assert not profile.exists()
    assert sandbox.posting(number)["save_count"] == 0
    assert "every control was found" in result.output


def test_calibrate_should_let_a_person_skip_a_control_their_portal_lacks_and_doctor_should_still_name_it(
    sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    number = sandbox.postings(editable=True, limit=5)[2]["posting_number"]
    sandbox.set_label("ru", "drawer.chat_buyer", "Чат с покупателем")
    profile = tmp_path / "portal.toml"

    def run() -> Calibration:
        with workbench(agent_settings) as bench:
            return calibrate(bench.portal, number, profile, lambda page, _n, _w: page.keyboard.press("Escape"),
                             timeout_ms=20_000)

    result = run_in_thread(run)

    assert (result.asked, result.skipped) == (["chat_buyer"], ["chat_buyer"])
    assert not profile.exists()
    assert result.check is not None and [line for _d, line, _s in result.check.fixes] == [
        '[labels.ru] chat_buyer = "<the text you see instead>"']
    assert sandbox.posting(number)["save_count"] == 0
