"""Signed approvals as people meet them: the real ``ozon-rpa`` process on two "computers", the real sandbox.

Anna plans and applies on hers; Boris approves on his (a folder of his own: his key, his state directory, his
inbox); only the plan and the approval file travel between them. Every refusal here happens before a browser
could start (the browser spy of test_fail_fast says none did) and saves nothing (the sandbox oracle counts the
save requests it got). The runs that do open a browser are in test_bulk.py.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agent.bulk.approval import sign_plan
from agent.bulk.plan import Plan, PlanRow, load_plan, save_plan
from agent.bulk.ssh_signatures import SshKeygen
from fixtures.sandbox.server import SandboxServer
from tests.conftest import Oracle
from tests.e2e.test_change import s10
from tests.e2e.test_fail_fast import Agent, Run
from tests.ssh_keys import Person, make_person, write_allowed

pytestmark = pytest.mark.e2e
KEY_SETUP = 'ssh-keygen -t ed25519 -f ~/.ssh/ozon-rpa -C "<your name>"'


@dataclass
class Office:
    """Anna's computer and Boris's, the sandbox between them, and the rules Anna's computer applies plans under."""

    anna: Person
    boris: Person
    oracle: Oracle
    allowed: Path
    plan_path: Path
    postings: list[str]

    @property
    def strict(self) -> dict[str, str]:
        return {"OZON_RPA_REQUIRE_APPROVAL": "true", "OZON_RPA_FOUR_EYES": "true",
                "OZON_RPA_ALLOWED_SIGNERS": str(self.allowed), "OZON_RPA_OPERATOR": "anna"}

    def at(self, person: Person, *args: str, **env: str) -> Run:
        """``ozon-rpa ARGS`` on ``person``'s computer (their folder, their state directory)."""
        return Agent(person.home)(*args, base_url=self.oracle.url, **env)

    def plan(self, *, signer: Person | None, serial: int, name: str = "changes.plan.json") -> Path:
        """A plan of two postings as `bulk plan` writes it, made on Anna's computer and signed by ``signer``."""
        read = datetime.now(UTC).isoformat()
        plan = Plan(created_by="anna", source="changes.csv", base_url=self.oracle.url, rows=[
            PlanRow(row_number=n + 2, posting_number=number, new_tracking=s10(serial + n), carrier="china_post",
                    read_at=read) for n, number in enumerate(self.postings)]).seal()
        if signer is not None:
            sign_plan(plan, SshKeygen(interactive=False), signer.key)
        path = self.anna.home / name
        save_plan(plan, path)
        return path

    def approve(self, approver: Person, plan: Path, *extra: str, **env: str) -> Run:
        """Mail the plan to ``approver``, who approves it on their computer with their key, and mail it back."""
        inbox = approver.home / "inbox"
        inbox.mkdir(exist_ok=True)
        shutil.copyfile(plan, inbox / plan.name)
        run = self.at(approver, "bulk", "approve", str(inbox / plan.name), "--key", str(approver.key), *extra, **env)
        if (inbox / f"{plan.name}.approval").exists():
            shutil.copyfile(inbox / f"{plan.name}.approval", plan.with_name(f"{plan.name}.approval"))
        return run

    def nothing_saved(self) -> bool:
        return all(self.oracle.posting(number)["save_requests"] == 0 for number in self.postings)


@pytest.fixture
def office(sandbox_server: SandboxServer, tmp_path: Path) -> Office:
    oracle = Oracle(sandbox_server.url)
    oracle.reset()
    anna, boris = make_person(tmp_path, "anna"), make_person(tmp_path, "boris")
    allowed = write_allowed(anna.home / "allowed_signers", anna.line(), boris.line())
    postings = [p["posting_number"] for p in oracle.postings(editable=True, limit=2)]
    return Office(anna, boris, oracle, allowed, anna.home / "changes.plan.json", postings)


def nothing_listening() -> str:
    """A loopback URL where nothing listens (a port that was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def journal_rows(person: Person, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(person.state_dir / "journal.sqlite") as db:
        return list(db.execute(sql))


# --- each refusal of `bulk apply`, before any browser, saving nothing ----------------------------


def no_approval_file(office: Office, tmp_path: Path) -> None:
    office.plan(signer=office.anna, serial=13_100_000)


def edited_after_approval(office: Office, tmp_path: Path) -> None:
    plan = office.plan(signer=office.anna, serial=13_200_000)
    assert office.approve(office.boris, plan).code == 0
    data = json.loads(plan.read_text(encoding="utf-8"))
    data["rows"][0]["new_tracking"] = s10(13_200_009)  # a number changed by hand after Boris approved
    plan.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def key_not_allowed(office: Office, tmp_path: Path) -> None:
    plan = office.plan(signer=office.anna, serial=13_300_000)
    assert office.approve(make_person(tmp_path, "mallory"), plan).code == 0


def key_removed_since(office: Office, tmp_path: Path) -> None:
    plan = office.plan(signer=office.anna, serial=13_400_000)
    assert office.approve(office.boris, plan).code == 0
    write_allowed(office.allowed, office.anna.line())  # Boris's line taken out after he approved


def planner_approved_own_plan(office: Office, tmp_path: Path) -> None:
    plan = office.plan(signer=office.anna, serial=13_500_000)
    laptop = Person("anna", office.anna.home / "laptop")  # her other computer, where four-eyes is not set
    laptop.home.mkdir()
    shutil.copyfile(office.anna.key, laptop.key)
    laptop.key.chmod(0o600)
    assert office.approve(laptop, plan).code == 0


def approval_of_another_plan(office: Office, tmp_path: Path) -> None:
    monday = office.plan(signer=office.anna, serial=13_600_000, name="monday.plan.json")
    assert office.approve(office.boris, monday).code == 0
    office.plan(signer=office.anna, serial=13_600_010)
    shutil.copyfile(monday.with_name("monday.plan.json.approval"), office.plan_path.with_name(
        "changes.plan.json.approval"))


def planner_did_not_sign(office: Office, tmp_path: Path) -> None:
    plan = office.plan(signer=None, serial=13_700_000)
    assert office.approve(office.boris, plan).code == 0  # Boris's computer has no rule: it only warns


@pytest.mark.parametrize(("make", "said"), [
    (no_approval_file, "the plan is not approved (hash"),
    (edited_after_approval, "the plan was changed after it was sealed"),
    (key_not_allowed, "does not allow to approve (not there, or removed since)"),
    (key_removed_since, "does not allow to approve (not there, or removed since)"),
    (planner_approved_own_plan, "four-eyes rule: the plan was planned and approved by the same person (anna)"),
    (approval_of_another_plan, "approves another plan (hash"),
    (planner_did_not_sign, "the plan carries no signature of its planner"),
], ids=lambda v: v.__name__.replace("_", "-") if callable(v) else "")
def test_bulk_apply_should_refuse_before_a_browser_and_save_nothing(
    office: Office, tmp_path: Path, make: Callable[[Office, Path], None], said: str
) -> None:
    make(office, tmp_path)

    run = office.at(office.anna, "bulk", "apply", str(office.plan_path), **office.strict)

    assert run.code == 2, run.output
    assert said in run.output
    assert not run.browser_started and office.nothing_saved()
    assert journal_rows(office.anna, "SELECT count(*) FROM runs") == [(0,)]


def test_bulk_apply_should_take_an_approval_named_with_approval_option(office: Office) -> None:
    plan = office.plan(signer=office.anna, serial=13_800_000)
    assert office.approve(office.boris, plan).code == 0
    renamed = plan.with_name("changes.plan (1).json.approval")  # what a messenger did to it
    plan.with_name("changes.plan.json.approval").rename(renamed)

    missing = office.at(office.anna, "bulk", "apply", str(plan), **office.strict)
    found = office.at(office.anna, "bulk", "apply", str(plan), "--approval", str(renamed), **office.strict,
                      OZON_RPA_BASE_URL=nothing_listening())  # the approval holds: it stops at the portal, next

    assert missing.code == 2 and "there is no approval file" in missing.output and "--approval FILE" in missing.output
    assert found.code == 3 and "approv" not in found.output.split("error:")[-1], found.output
    assert not found.browser_started and office.nothing_saved()


# --- the approver's side, and the planner's --------------------------------------------------------


def test_bulk_approve_with_only_a_typed_name_under_a_rule_should_say_how_to_set_up_a_key(office: Office) -> None:
    plan = office.plan(signer=office.anna, serial=13_900_000)

    run = office.at(office.anna, "bulk", "approve", str(plan), "--by", "Anna Petrova", **office.strict)

    assert run.code == 2, run.output
    assert ("the name 'Anna Petrova' alone cannot approve this plan: OZON_RPA_FOUR_EYES is on, and anyone can type "
            "a name") in run.output
    assert KEY_SETUP in run.output and f"ozon-rpa bulk approve {plan} --key ~/.ssh/ozon-rpa" in run.output
    assert not plan.with_name(f"{plan.name}.approval").exists()
    assert journal_rows(office.anna, "SELECT count(*) FROM approvals") == [(0,)]


def test_bulk_approve_of_a_signed_plan_should_want_a_key_even_where_no_rule_is_set(office: Office) -> None:
    plan = office.plan(signer=office.anna, serial=14_000_000)

    run = office.at(office.boris, "bulk", "approve", str(plan), "--by", "Boris")

    assert run.code == 2 and "its planner signed the plan, so it needs a signed approval" in run.output, run.output
    assert KEY_SETUP in run.output


def test_bulk_approve_should_write_the_approval_beside_the_plan_and_say_where_it_goes(office: Office) -> None:
    plan = office.plan(signer=office.anna, serial=14_100_000)
    theirs = write_allowed(office.boris.home / "allowed_signers", office.anna.line(), office.boris.line())

    run = office.approve(office.boris, plan, "--by", "Борис", OZON_RPA_ALLOWED_SIGNERS=str(theirs))

    assert run.code == 0, run.output
    assert f"signed by boris with key {office.boris.fingerprint}" in run.output
    assert f"planned by anna ({office.anna.fingerprint})" in run.output
    assert "send it back to whoever applies the plan" in run.output
    assert journal_rows(office.boris, "SELECT approved_by, planned_by, key_fingerprint FROM approvals") == [
        ("boris", "anna", office.boris.fingerprint)]
    assert load_plan(plan).content_hash in plan.with_name(f"{plan.name}.approval").read_text(encoding="utf-8")


def test_bulk_plan_under_a_rule_without_a_key_should_refuse_before_a_browser_saying_how_to_set_one_up(
    office: Office
) -> None:
    source = office.anna.home / "changes.csv"
    source.write_text(f"posting_number,tracking_number\n{office.postings[0]},{s10(14_200_000)}\n", encoding="utf-8")

    run = office.at(office.anna, "bulk", "plan", str(source), **office.strict)

    assert run.code == 2, run.output
    assert "OZON_RPA_FOUR_EYES is on, so a plan is signed by its planner's own SSH key, and no signing key is set" \
        in run.output and KEY_SETUP in run.output and "OZON_RPA_SIGNING_KEY=~/.ssh/ozon-rpa" in run.output
    assert not run.browser_started and not office.anna.home.joinpath("changes.plan.json").exists()


def test_a_single_user_without_a_rule_should_approve_with_a_typed_name_as_before(office: Office) -> None:
    plan = office.plan(signer=None, serial=14_300_000)

    run = office.at(office.anna, "bulk", "approve", str(plan), "--by", "anna")

    assert run.code == 0, run.output
    assert f"approved by anna: {plan}" in run.output
    assert journal_rows(office.anna, "SELECT approved_by, key_fingerprint FROM approvals") == [("anna", "")]
