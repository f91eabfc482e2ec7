"""Lost updates: a posting someone changes between the plan and the run is not overwritten without a word.

Through the real CLI against the real sandbox; the "someone" is a person in a second browser, signed in to the
same portal, who changes the number in the tracking dialog the way anyone would.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from agent.core.settings import Settings
from pages.posting_details import PostingDetails
from pages.tracking_editor import TrackingEditor
from tests.conftest import Oracle, process_env
from tests.e2e.test_bulk import REPO, results_of, write_rows
from tests.e2e.test_change import s10
from tests.ssh_keys import make_person, write_allowed

pytestmark = pytest.mark.e2e


@pytest.fixture
def person(new_context: Any, signed_in_state: Path, sandbox: Oracle) -> Page:
    """Another person's browser, signed in to the same sandbox (Russian UI)."""
    context = new_context(storage_state=signed_in_state)
    page: Page = context.new_page()
    return page


def person_sets_number(page: Page, base_url: str, posting: str, number: str) -> None:
    """What a person does: open the posting, open the tracking dialog, type a number, save, see the toast."""
    page.goto(f"{base_url}/app/postings/fbs?postingDetails={posting}")
    # Through the page objects: they find what a person sees on either front end (--skins).
    drawer = PostingDetails(page, posting, "ru")
    drawer.open_edit()
    dialog = TrackingEditor(drawer)
    dialog.fill(number)
    dialog.save_button.click()
    expect(dialog.number).to_be_hidden()  # the editor closed: its input is gone
    expect(drawer.root.get_by_text(number, exact=True)).to_be_visible()


def planned(cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path, serial: int,
            *plan_args: str, env: dict[str, str] | None = None) -> tuple[Path, list[list[str]], list[str]]:
    """A plan of two postings (its file, its rows, and the numbers the plan read as "old")."""
    postings = sandbox.postings(editable=True, limit=2)
    rows = [[p["posting_number"], s10(serial + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    plan = tmp_path / "changes.plan.json"
    made = cli("bulk", "plan", str(source), "-o", str(plan), *plan_args, env_extra=env)
    assert made.exit_code == 0, made.output
    return plan, rows, [p["tracking_number"] for p in postings]


def warnings_of(settings: Settings, posting: str) -> list[str]:
    with sqlite3.connect(settings.journal_path) as db:
        (text,) = db.execute("SELECT warnings FROM items WHERE posting_number=?", (posting,)).fetchone()
    return list(json.loads(text))


def test_apply_should_reject_a_posting_changed_since_the_plan_and_keep_the_other_persons_number(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, person: Page
) -> None:
    plan, rows, old = planned(cli, sandbox, tmp_path, 13_100_000)
    theirs = s10(13_100_090, country="RU", service="RA")
    person_sets_number(person, sandbox.url, rows[0][0], theirs)

    result = cli("bulk", "apply", str(plan))

    assert result.exit_code == 1, result.output
    outcome = results_of(agent_settings)
    assert outcome["2"]["outcome"] == "rejected"
    assert f"planned to replace {old[0] or '(no number)'}, now shows {theirs}" in outcome["2"]["reason"]
    assert outcome["3"]["outcome"] == "changed", "the untouched posting is applied as planned"
    truth = sandbox.posting(rows[0][0])
    assert truth["tracking_number"] == theirs and truth["save_count"] == 1, "only the person's own save"
    report = (max(agent_settings.runs_dir.iterdir()) / "report.html").read_text(encoding="utf-8")
    assert f"now shows {theirs}" in report


def test_apply_with_overwrite_changed_should_replace_it_and_record_that_it_did(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, person: Page
) -> None:
    plan, rows, old = planned(cli, sandbox, tmp_path, 13_200_000)
    theirs = s10(13_200_090, country="RU", service="RA")
    person_sets_number(person, sandbox.url, rows[0][0], theirs)

    result = cli("bulk", "apply", str(plan), "--overwrite-changed")

    assert result.exit_code == 0, result.output
    assert sandbox.posting(rows[0][0])["tracking_number"] == rows[0][1]
    assert results_of(agent_settings)["2"]["old_tracking"] == theirs, "the number really replaced"
    assert any(f"planned to replace {old[0] or '(no number)'}, now shows {theirs}" in w and "replaced anyway" in w
               for w in warnings_of(agent_settings, rows[0][0]))
    assert warnings_of(agent_settings, rows[1][0]) == [], "an unchanged posting is not marked"


def test_overwrite_changed_should_need_the_approved_plan_to_carry_it_when_approval_is_required(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, person: Page
) -> None:
    anna, boris = make_person(tmp_path, "anna"), make_person(tmp_path, "boris")
    strict = {"OZON_RPA_REQUIRE_APPROVAL": "true", "OZON_RPA_FOUR_EYES": "true", "OZON_RPA_OPERATOR": "anna",
              "OZON_RPA_SIGNING_KEY": str(anna.key),
              "OZON_RPA_ALLOWED_SIGNERS": str(write_allowed(tmp_path / "allowed", anna.line(), boris.line()))}
    plan, rows, _ = planned(cli, sandbox, tmp_path, 13_300_000, env=strict)
    assert cli("bulk", "approve", str(plan), "--key", str(boris.key), env_extra=strict).exit_code == 0
    theirs = s10(13_300_090, country="RU", service="RA")
    person_sets_number(person, sandbox.url, rows[0][0], theirs)

    refused = cli("bulk", "apply", str(plan), "--overwrite-changed", env_extra=strict)
    assert refused.exit_code == 2 and "needs approval" in refused.output
    assert sandbox.posting(rows[1][0])["save_count"] == 0, "nothing touched"

    replanned = tmp_path / "overwrite.plan.json"
    source = tmp_path / "changes.csv"
    made = cli("bulk", "plan", str(source), "-o", str(replanned), "--overwrite-changed", env_extra=strict)
    assert made.exit_code == 0, made.output
    assert json.loads(replanned.read_text(encoding="utf-8"))["overwrite_changed"] is True
    assert cli("bulk", "approve", str(replanned), "--key", str(boris.key), env_extra=strict).exit_code == 0
    person_sets_number(person, sandbox.url, rows[0][0], s10(13_300_091, country="RU", service="RA"))

    approved = cli("bulk", "apply", str(replanned), env_extra=strict)

    assert approved.exit_code == 0, approved.output
    assert all(sandbox.posting(n)["tracking_number"] == new for n, new in rows)


def test_confirm_each_should_show_the_current_number_not_the_planned_one(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, person: Page
) -> None:
    plan, rows, old = planned(cli, sandbox, tmp_path, 13_400_000)
    theirs = s10(13_400_090, country="RU", service="RA")
    person_sets_number(person, sandbox.url, rows[0][0], theirs)

    result = cli("bulk", "apply", str(plan), "--confirm", "each", "--overwrite-changed", input="n\nn\n")

    assert f"{rows[0][0]}: {theirs} -> {rows[0][1]}" in result.output, result.output
    assert f"{rows[1][0]}: {old[1] or '(none)'} -> {rows[1][1]}" in result.output
    assert sandbox.posting(rows[0][0])["tracking_number"] == theirs, "declined: nothing saved"


def test_a_raw_file_applied_with_yes_should_expect_what_its_on_the_spot_plan_read(
    sandbox: Oracle, agent_settings: Settings, tmp_path: Path, person: Page
) -> None:
    postings = sandbox.postings(editable=True, limit=2)
    rows = [[p["posting_number"], s10(13_800_000 + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    env = process_env(agent_settings)
    agent = subprocess.Popen([sys.executable, "-m", "agent", "bulk", "apply", str(source), "--yes", "--workers", "1",
                              "--confirm", "each"], cwd=REPO, env=env, text=True, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    assert agent.stdin is not None and agent.stdout is not None
    seen = ""
    while "Save?" not in seen:  # the plan is made and the run asks about the first posting
        char = agent.stdout.read(1)
        assert char, seen
        seen += char
    theirs = s10(13_800_090, country="RU", service="RA")
    person_sets_number(person, sandbox.url, rows[1][0], theirs)  # after the on-the-spot plan read it

    output = seen + agent.communicate("y\n", timeout=240)[0]

    assert agent.returncode == 1, output
    outcome = results_of(agent_settings)
    assert outcome["2"]["outcome"] == "changed"
    assert outcome["3"]["outcome"] == "rejected"
    planned_old = postings[1]["tracking_number"] or "(no number)"
    assert f"planned to replace {planned_old}, now shows {theirs}" in outcome["3"]["reason"]
    assert sandbox.posting(rows[1][0])["tracking_number"] == theirs
