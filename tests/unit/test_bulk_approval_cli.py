"""What ``bulk plan`` and ``bulk approve`` tell people about signatures: who signed, what is not verified, what next."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.bulk.approval import approve_with_key, sign_plan
from agent.bulk.plan import Plan, PlanRow
from agent.bulk.ssh_signatures import SshKeygen
from agent.cli.bulk_approval import print_approval, print_planner, refuse_typed_approval, supervision_text
from agent.cli.shared import console
from agent.core.errors import InputError
from agent.core.settings import Settings
from tests.ssh_keys import make_person, write_allowed

KEYGEN = SshKeygen(interactive=False)


def a_plan() -> Plan:
    return Plan(created_by="li.wei", rows=[PlanRow(posting_number="48173252-0033-2", new_tracking="RR473124829GB")]
                ).seal()


def said(action: object) -> str:
    with console.capture() as captured:
        action()  # type: ignore[operator]
    return " ".join(captured.get().split())


def test_bulk_plan_should_warn_a_planner_whose_key_the_allowed_signers_file_does_not_list(tmp_path: Path) -> None:
    anna, mallory = make_person(tmp_path, "anna"), make_person(tmp_path, "mallory")
    plan = a_plan()
    sign_plan(plan, KEYGEN, mallory.key)
    allowed = write_allowed(tmp_path / "allowed_signers", anna.line())
    settings = Settings(_env_file=None, signing_key=mallory.key, allowed_signers=allowed)

    text = said(lambda: print_planner(settings, plan, tmp_path / "c.plan.json"))

    assert f"signed by you with key {mallory.fingerprint}" in text
    assert (f"warning: {allowed} does not let key {mallory.fingerprint} sign plans: `bulk apply` will refuse this "
            f"plan until its keeper adds your line (<your name> <the content of {mallory.key}.pub>)") in text
    assert ("next: send c.plan.json to the approver; on their computer they run `ozon-rpa bulk approve c.plan.json "
            "--key THEIR_KEY` and send back c.plan.json.approval") in text
    without = said(lambda: print_planner(Settings(_env_file=None, signing_key=mallory.key), plan, tmp_path / "c"))
    assert "warning: OZON_RPA_ALLOWED_SIGNERS is not set: `bulk apply` needs it" in without


def test_bulk_approve_should_say_when_the_planners_name_is_only_typed(tmp_path: Path) -> None:
    anna, boris = make_person(tmp_path, "anna"), make_person(tmp_path, "boris")
    signed, unsigned = a_plan(), a_plan()
    sign_plan(signed, KEYGEN, anna.key)
    path = tmp_path / "c.plan.json"
    allowed = write_allowed(tmp_path / "allowed", anna.line(), boris.line())

    known = approve_with_key(signed, KEYGEN, boris.key, allowed_signers=allowed)
    typed = approve_with_key(signed, KEYGEN, boris.key)
    nothing = approve_with_key(unsigned, KEYGEN, boris.key)

    assert f"signed by boris with key {boris.fingerprint}" in said(lambda: print_approval(known, signed, path, path))
    assert f"planned by anna ({anna.fingerprint})" in said(lambda: print_approval(known, signed, path, path))
    assert f"planned by li.wei (as typed in the plan), signed with key {anna.fingerprint}" in said(
        lambda: print_approval(typed, signed, path, path))
    assert "planned by li.wei (as typed in the plan, not signed)" in said(
        lambda: print_approval(nothing, unsigned, path, path))


def test_a_typed_name_should_be_refused_only_where_a_signature_is_due(tmp_path: Path) -> None:
    plan, path = a_plan(), tmp_path / "c.plan.json"

    refuse_typed_approval(Settings(_env_file=None), plan, path, "anna")  # a single user: a note, as before
    with pytest.raises(InputError, match=r"^approving this plan needs a signature made with your own SSH key on "
                                         r"your computer \(OZON_RPA_REQUIRE_APPROVAL is on\): set up your key once"):
        refuse_typed_approval(Settings(_env_file=None, require_approval=True), plan, path, None)


def test_a_key_should_be_shown_with_its_owner_and_shortened_in_narrow_tables() -> None:
    key = "SHA256:o8YiS4OvXjzY8hj4jrgJfSWXe0uZZ6ST3bvkG0xnEd4"

    assert supervision_text("boris", key) == f"boris ({key})"
    assert supervision_text("boris", key, short=True) == "boris (SHA256:o8YiS4OvXjzY…)"
    assert supervision_text("anna", "") == "anna" and supervision_text("", "") == ""
