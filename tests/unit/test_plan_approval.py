"""Signed four-eyes with real keys: the planner and the approver each on a "computer" of their own (a folder with
their key and state directory), only the plan and the approval file travelling between them, as by e-mail.

Anna plans and applies; Boris approves; Mallory has a key nobody listed. The allowed-signers file that counts is
the one on Anna's computer, where the plan is applied.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.bulk.approval import (
    APPROVAL_NAMESPACE,
    PLAN_NAMESPACE,
    Supervision,
    approval_path,
    approve_with_key,
    check_planner_key,
    read_approval,
    sign_plan,
    write_approval,
)
from agent.bulk.plan import Plan, PlanRow, load_plan, save_plan
from agent.bulk.plan_checks import approve_plan, check_approval
from agent.bulk.ssh_signatures import Signed, SshKeygen
from agent.core.errors import ConfigError, InputError
from agent.core.journal.store import Journal
from agent.core.settings import Settings
from tests.ssh_keys import Person, make_person, write_allowed

KEYGEN = SshKeygen(interactive=False)  # never a prompt on the terminal of whoever runs the tests
P1, P2 = "48173252-0033-2", "48173252-0034-1"
SETUP = ('set up your key once: 1) ssh-keygen -t ed25519 -f ~/.ssh/ozon-rpa -C "<your name>" 2) send '
         "~/.ssh/ozon-rpa.pub to whoever keeps the allowed-signers file (OZON_RPA_ALLOWED_SIGNERS); they add the line "
         "`<your name> <the content of ~/.ssh/ozon-rpa.pub>` 3) set OZON_RPA_SIGNING_KEY=~/.ssh/ozon-rpa "
         "(or give --key ~/.ssh/ozon-rpa)")


@dataclass
class Office:
    """Anna's computer (plan, apply, the allowed-signers file that counts) and the people around it."""

    anna: Person
    boris: Person
    mallory: Person
    allowed: Path
    plan_path: Path
    journal: Journal

    def plan(self, *, signer: Person | None = None, source: str = "changes.csv") -> Plan:
        """A plan made and sealed on Anna's computer, signed by ``signer`` (Anna), saved beside its input."""
        plan = Plan(created_by="anna", source=source, base_url="http://127.0.0.1:8400", rows=[
            PlanRow(row_number=2, posting_number=P1, new_tracking="RR473124829GB", carrier="china_post"),
            PlanRow(row_number=3, posting_number=P2, new_tracking="62009147017544", action="rejected",
                    why="not editable: delivered")]).seal()
        if signer is not None:
            sign_plan(plan, KEYGEN, signer.key)
        save_plan(plan, self.plan_path)
        return plan

    def approve(self, approver: Person, *, plan_path: Path | None = None, **options: object) -> Path:
        """Send the plan to ``approver``'s computer, approve it there with their key, send the approval back."""
        received = approver.home / "inbox" / (plan_path or self.plan_path).name
        received.parent.mkdir(exist_ok=True)
        shutil.copyfile(plan_path or self.plan_path, received)
        made = approve_with_key(load_plan(received), KEYGEN, approver.key, plan_file=received.name, **options)  # type: ignore[arg-type]
        write_approval(made.signed, approval_path(received))
        back = approval_path(self.plan_path)
        shutil.copyfile(approval_path(received), back)
        return back

    def check(self, *, four_eyes: bool = True, approval: Path | None = None) -> Supervision:
        """``bulk apply``'s check on Anna's computer, of the plan file as it is now."""
        return check_approval(load_plan(self.plan_path), self.journal, require_approval=True, four_eyes=four_eyes,
                              approval_file=approval or approval_path(self.plan_path), allowed_signers=self.allowed,
                              keygen=KEYGEN)

    def refusal(self, **options: object) -> str:
        with pytest.raises(InputError) as refused:
            self.check(**options)  # type: ignore[arg-type]
        return str(refused.value)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    anna, boris, mallory = (make_person(tmp_path, name) for name in ("anna", "boris", "mallory"))
    allowed = write_allowed(anna.home / "allowed_signers", anna.line(), boris.line())
    journal = Journal(anna.state_dir / "journal.sqlite")
    yield Office(anna, boris, mallory, allowed, anna.home / "changes.plan.json", journal)
    journal.close()


# --- the round trip -----------------------------------------------------------------------------


def test_a_plan_signed_by_its_planner_and_approved_on_another_computer_should_run(office: Office) -> None:
    office.plan(signer=office.anna)
    office.approve(office.boris)

    assert office.check() == Supervision(approved_by="boris", approver_key=office.boris.fingerprint,
                                         planned_by="anna", planner_key=office.anna.fingerprint)


def test_an_approval_file_should_say_what_it_approves_and_be_signed_by_the_approvers_key(office: Office) -> None:
    plan = office.plan(signer=office.anna)

    approval = read_approval(office.approve(office.boris, by="Борис Иванов"))

    statement = dict(approval.statement)
    assert statement.pop("signed_at")
    assert statement == {"purpose": "approve", "plan_hash": plan.content_hash, "planner_key": office.anna.fingerprint,
                         "plan_file": "changes.plan.json", "base_url": "http://127.0.0.1:8400",
                         "rows": {"change": 1, "unchanged": 0, "pending": 0, "rejected": 1}, "by": "Борис Иванов"}
    assert KEYGEN.key_of(approval, APPROVAL_NAMESPACE) == office.boris.fingerprint
    assert KEYGEN.key_of(approval, PLAN_NAMESPACE) is None, "an approval is not a planner's signature"


def test_the_planners_signature_should_sign_the_plans_hash_and_stay_outside_it(office: Office) -> None:
    plan = office.plan(signer=office.anna)

    loaded = load_plan(office.plan_path)
    assert loaded.signature is not None and not loaded.changed_since_sealed
    statement = dict(loaded.signature.statement)
    assert statement.pop("signed_at").startswith("20")
    assert statement == {"purpose": "plan", "plan_hash": plan.content_hash, "planner_key": "", "plan_file": "",
                         "base_url": "http://127.0.0.1:8400", "by": "",
                         "rows": {"change": 1, "unchanged": 0, "pending": 0, "rejected": 1}}
    assert KEYGEN.key_of(loaded.signature, PLAN_NAMESPACE) == office.anna.fingerprint


def test_a_plan_changed_since_it_was_sealed_should_not_be_signed(office: Office) -> None:
    plan = office.plan(signer=None)
    plan.rows[0].new_tracking = "RR000000000GB"

    with pytest.raises(InputError) as refused:
        sign_plan(plan, KEYGEN, office.anna.key)
    assert str(refused.value) == ("the plan was changed after it was sealed (its content no longer matches its hash); "
                                  "plan again and have the new plan approved")
    assert plan.signature is None


@pytest.mark.parametrize("forgery", ["signature-of-nothing", "approval-statement-signed-as-plan"])
def test_a_forged_planners_signature_should_be_refused(office: Office, forgery: str) -> None:
    plan = office.plan(signer=office.anna)
    assert plan.signature is not None
    if forgery == "signature-of-nothing":  # the right statement, someone else's bytes as its signature
        other = KEYGEN.sign({"purpose": "plan", "plan_hash": "00" * 32}, office.anna.key, PLAN_NAMESPACE)
        plan.signature = Signed(statement=plan.signature.statement, signature=other.signature)
    else:  # signed by the planner's key in the plans' namespace, but it says "approve"
        plan.signature = KEYGEN.sign({**plan.signature.statement, "purpose": "approve"}, office.anna.key,
                                     PLAN_NAMESPACE)
    save_plan(plan, office.plan_path)

    assert office.refusal() == ("the planner's signature does not match this plan: it was changed after it was "
                                "signed; do not approve or run it, plan again")


# --- refusals at apply, each saying what to do ----------------------------------------------------


def test_apply_should_refuse_a_plan_without_an_approval_file_saying_what_the_approver_runs(office: Office) -> None:
    plan = office.plan(signer=office.anna)

    assert office.refusal() == (
        f"the plan is not approved (hash {plan.content_hash[:12]}): there is no approval file "
        f"{office.plan_path}.approval. The approver runs `ozon-rpa bulk approve changes.plan.json --key THEIR_KEY` "
        "on their computer and sends back changes.plan.json.approval; put it beside the plan, or name it with "
        "--approval FILE")


def test_the_approval_should_be_beside_the_plan_unless_named(tmp_path: Path) -> None:
    assert approval_path(tmp_path / "c.plan.json") == tmp_path / "c.plan.json.approval"
    assert approval_path(tmp_path / "c.plan.json", tmp_path / "mail" / "x.sig") == tmp_path / "mail" / "x.sig"


def test_a_missing_approval_named_otherwise_should_name_the_plan_generically(office: Office) -> None:
    office.plan(signer=office.anna)

    said = office.refusal(approval=office.anna.home / "from-boris.sig")
    assert f"no approval file {office.anna.home / 'from-boris.sig'}. The approver runs " in said
    assert "`ozon-rpa bulk approve PLAN --key THEIR_KEY`" in said and "sends back from-boris.sig;" in said
    assert "`ozon-rpa bulk approve PLAN --key" in office.refusal(approval=office.anna.home / ".approval")


def test_a_name_typed_with_by_should_not_count_as_an_approval_under_a_rule(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    approve_plan(plan, office.journal, approved_by="Anna Petrova")
    approve_plan(plan, office.journal, approved_by="Boris")

    assert ("no approval file " + f"{office.plan_path}.approval (a name typed with --by, Anna Petrova, Boris, is not "
            "an approval under OZON_RPA_FOUR_EYES). The approver runs") in office.refusal()
    assert "is not an approval under OZON_RPA_REQUIRE_APPROVAL" in office.refusal(four_eyes=False)


def test_apply_should_refuse_a_plan_edited_after_approval(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    office.approve(office.boris)
    plan.rows[0].new_tracking = "RR000000000GB"
    save_plan(plan, office.plan_path)

    assert office.refusal() == ("the plan was changed after it was sealed (its content no longer matches its hash); "
                                "plan again and have the new plan approved")

    plan.seal()  # sealed and signed again by its planner: still not what Boris approved
    sign_plan(plan, KEYGEN, office.anna.key)
    save_plan(plan, office.plan_path)
    old = read_approval(approval_path(office.plan_path)).statement["plan_hash"]
    assert office.refusal() == (
        f"{office.plan_path}.approval approves another plan (hash {old[:12]}), not this one (hash "
        f"{plan.content_hash[:12]}): the plan was made again or changed after the approval, or the files were mixed "
        "up; have this plan approved")


def test_apply_should_refuse_the_approval_of_another_plan(office: Office, tmp_path: Path) -> None:
    office.plan(signer=office.anna, source="monday.csv")
    monday = office.approve(office.boris).read_bytes()
    office.plan(signer=office.anna, source="tuesday.csv")
    approval_path(office.plan_path).write_bytes(monday)  # Monday's approval beside Tuesday's plan

    assert "approves another plan (hash" in office.refusal()


def test_apply_should_refuse_an_approval_by_a_key_not_in_the_allowed_signers_file(office: Office) -> None:
    office.plan(signer=office.anna)
    office.approve(office.mallory)

    assert office.refusal() == (
        f"{office.plan_path}.approval is signed by key {office.mallory.fingerprint}, which {office.allowed} does not "
        "allow to approve (not there, or removed since): only the people listed there may approve")


def test_apply_should_refuse_an_approval_whose_key_was_removed_from_the_file_since(office: Office) -> None:
    office.plan(signer=office.anna)
    office.approve(office.boris)
    assert office.check().approved_by == "boris"

    write_allowed(office.allowed, office.anna.line())  # Boris left the company

    assert f"is signed by key {office.boris.fingerprint}, which" in office.refusal()


def test_an_allowed_signers_line_for_plans_only_should_not_let_its_key_approve(office: Office) -> None:
    write_allowed(office.allowed, office.anna.line(), office.boris.line('namespaces="ozon-rpa-plan"'))
    office.plan(signer=office.anna)
    office.approve(office.boris)

    assert "does not allow to approve" in office.refusal()


def test_four_eyes_should_refuse_an_approval_with_the_planners_own_key(office: Office) -> None:
    office.plan(signer=office.anna)
    office.approve(office.anna)  # her own computer does not enforce four-eyes: the applying one does

    assert office.refusal() == ("four-eyes rule: the plan was planned and approved by the same person (anna); "
                                "someone else must approve it with their own key")
    assert office.check(four_eyes=False).approved_by == "anna", "approval required, four-eyes off: she may"


def test_four_eyes_should_refuse_the_planners_principal_with_another_key(office: Office, tmp_path: Path) -> None:
    second = make_person(tmp_path, "anna-laptop")
    write_allowed(office.allowed, office.anna.line(), office.boris.line(), second.line(principals="anna"))
    office.plan(signer=office.anna)
    office.approve(second)

    assert "four-eyes rule: the plan was planned and approved by the same person (anna)" in office.refusal()


def test_apply_should_refuse_an_altered_approval_file(office: Office) -> None:
    office.plan(signer=office.anna)
    path = office.approve(office.boris)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["statement"]["by"] = "the CFO"
    path.write_text(json.dumps(data), encoding="utf-8")

    assert office.refusal() == (
        f"{path}: its signature does not match its content: the approval was altered or damaged, or is not an "
        "approval; ask the approver for it again")


def test_a_planners_signature_should_never_pass_for_an_approval(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    assert plan.signature is not None
    write_approval(plan.signature, approval_path(office.plan_path))

    assert "its signature does not match its content" in office.refusal(four_eyes=False)


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"statement": [], "signature": 1}'],
                         ids=["empty", "not-json", "not-an-approval"])
def test_an_unreadable_approval_file_should_be_refused_naming_it(office: Office, content: bytes) -> None:
    office.plan(signer=office.anna)
    approval_path(office.plan_path).write_bytes(content)

    assert office.refusal() == f"{office.plan_path}.approval: not an approval file"


def test_apply_should_refuse_a_plan_signed_again_by_another_planner_after_approval(office: Office,
                                                                                 tmp_path: Path) -> None:
    carol = make_person(tmp_path, "carol")
    write_allowed(office.allowed, office.anna.line(), office.boris.line(), carol.line())
    plan = office.plan(signer=office.anna)
    office.approve(office.boris)
    sign_plan(plan, KEYGEN, carol.key)  # same content, another planner's signature
    save_plan(plan, office.plan_path)

    assert office.refusal() == (
        f"{office.plan_path}.approval approves this plan as signed by key {office.anna.fingerprint}, but the plan now "
        f"carries a signature by key {carol.fingerprint}; have it approved again")


def test_apply_should_refuse_an_approval_given_before_the_planner_signed(office: Office) -> None:
    plan = office.plan(signer=None)
    office.approve(office.boris)  # approved unsigned (Boris was warned), signed by Anna afterwards
    sign_plan(plan, KEYGEN, office.anna.key)
    save_plan(plan, office.plan_path)

    assert office.refusal() == (
        f"{office.plan_path}.approval approves this plan as signed by key (none), but the plan now carries a "
        f"signature by key {office.anna.fingerprint}; have it approved again")


def test_apply_should_refuse_a_plan_its_planner_did_not_sign(office: Office) -> None:
    office.plan(signer=None)

    assert office.refusal() == (
        "the plan carries no signature of its planner, which OZON_RPA_FOUR_EYES requires: set your key "
        "(OZON_RPA_SIGNING_KEY), plan again (`ozon-rpa bulk plan FILE`) and have the new plan approved")


def test_apply_should_refuse_a_plan_signed_by_a_key_the_file_does_not_allow(office: Office) -> None:
    office.plan(signer=office.mallory)

    assert office.refusal() == (
        f"the plan is signed by key {office.mallory.fingerprint}, which {office.allowed} does not allow to sign "
        "plans (not there, or removed since): add its owner's line there, or plan again with an allowed key")


def test_apply_should_refuse_a_plan_whose_planners_signature_is_of_other_content(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    plan.rows[0].new_tracking = "RR000000000GB"
    plan.seal()  # sealed again after an edit, but the signature still names the old hash
    save_plan(plan, office.plan_path)

    assert office.refusal() == ("the planner's signature does not match this plan: it was changed after it was "
                                "signed; do not approve or run it, plan again")


def test_a_rule_without_an_allowed_signers_file_should_say_how_to_make_one(office: Office) -> None:
    office.plan(signer=office.anna)
    office.allowed = None  # type: ignore[assignment]

    with pytest.raises(ConfigError) as refused:
        office.check()
    assert str(refused.value) == (
        "OZON_RPA_FOUR_EYES is on, so approvals are SSH signatures, checked against an allowed-signers file, and "
        "OZON_RPA_ALLOWED_SIGNERS is not set: make a text file with one line per person who may plan or approve, "
        "`anna.petrova ssh-ed25519 AAAAC3Nz... (their .pub file)`, and set OZON_RPA_ALLOWED_SIGNERS to it")

    for wrong in (office.anna.home / "no-such-file", office.anna.home):  # nothing there; a folder
        office.allowed = wrong
        with pytest.raises(ConfigError) as refused:
            office.check()
        assert str(refused.value) == f"OZON_RPA_ALLOWED_SIGNERS={wrong}: no such file, or it cannot be read"


# --- the approver's side ----------------------------------------------------------------------------


def test_approve_should_refuse_a_plan_edited_since_it_was_sealed(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    plan.rows[0].new_tracking = "RR000000000GB"

    with pytest.raises(InputError, match="changed after it was sealed"):
        approve_with_key(plan, KEYGEN, office.boris.key)


def test_approve_should_refuse_a_plan_whose_planners_signature_does_not_match(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    plan.rows[0].new_tracking = "RR000000000GB"
    plan.seal()

    with pytest.raises(InputError, match="the planner's signature does not match this plan"):
        approve_with_key(plan, KEYGEN, office.boris.key)


def test_approve_under_four_eyes_should_refuse_the_planners_own_key(office: Office) -> None:
    plan = office.plan(signer=office.anna)

    with pytest.raises(InputError) as refused:
        approve_with_key(plan, KEYGEN, office.anna.key, four_eyes=True)
    assert str(refused.value) == (f"four-eyes rule: the plan was planned and approved by the same person "
                                  f"({office.anna.fingerprint}); someone else must approve it with their own key")
    assert approve_with_key(plan, KEYGEN, office.anna.key).approver_key == office.anna.fingerprint


def test_approve_should_refuse_an_unsigned_plan_where_approval_is_required_and_warn_elsewhere(office: Office) -> None:
    plan = office.plan(signer=None)

    with pytest.raises(InputError) as refused:
        approve_with_key(plan, KEYGEN, office.boris.key, require_planner=True)
    assert str(refused.value) == ("the plan carries no signature of its planner, so it cannot be approved here "
                                  "(OZON_RPA_REQUIRE_APPROVAL): its planner sets their key and plans again")
    theirs = write_allowed(office.boris.home / "allowed_signers", office.anna.line(), office.boris.line())
    made = approve_with_key(plan, KEYGEN, office.boris.key, allowed_signers=theirs)
    assert (made.planner_key, made.planner, made.approver) == ("", "", "boris")
    assert made.warnings == [
        "the plan carries no signature of its planner: where approval is required, it will be refused at apply"]
    assert (made.signed.statement["planner_key"], made.signed.statement["plan_file"], made.signed.statement["by"]) \
        == ("", "", ""), "nothing given, nothing claimed"


def test_approve_should_name_planner_and_approver_from_its_own_allowed_signers_file(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    theirs = write_allowed(office.boris.home / "allowed_signers", office.anna.line(), office.boris.line())

    made = approve_with_key(plan, KEYGEN, office.boris.key, allowed_signers=theirs, four_eyes=True)

    assert (made.planner, made.approver, made.planner_key, made.approver_key, made.warnings) == (
        "anna", "boris", office.anna.fingerprint, office.boris.fingerprint, [])


def test_approve_should_warn_an_approver_whose_key_may_not_approve(office: Office) -> None:
    plan = office.plan(signer=office.anna)
    theirs = write_allowed(office.mallory.home / "allowed_signers", office.anna.line())

    made = approve_with_key(plan, KEYGEN, office.mallory.key, allowed_signers=theirs)

    assert (made.approver, made.planner) == ("", "anna") and made.warnings == [
        f"your key {office.mallory.fingerprint} may not approve according to {theirs}: the planner's computer will "
        "refuse this approval until your line is in its allowed-signers file"]


def test_approve_under_four_eyes_should_refuse_the_planners_principal_known_to_its_allowed_signers(
    office: Office, tmp_path: Path
) -> None:
    plan = office.plan(signer=office.anna)
    second = make_person(tmp_path, "anna-laptop")
    theirs = write_allowed(second.home / "allowed_signers", office.anna.line(), second.line(principals="anna"))

    with pytest.raises(InputError, match=r"four-eyes rule: .* same person \(anna\)"):
        approve_with_key(plan, KEYGEN, second.key, allowed_signers=theirs, four_eyes=True)


# --- the planner's key, checked before the portal is read --------------------------------------------


def settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(state_dir=tmp_path / "state", _env_file=None, **values)  # type: ignore[arg-type]


def test_without_a_rule_a_plan_needs_no_key(tmp_path: Path) -> None:
    assert check_planner_key(settings(tmp_path)) == ""


@pytest.mark.parametrize("rule", ["require_approval", "four_eyes"])
def test_a_rule_without_a_signing_key_should_give_the_commands_to_set_one_up(tmp_path: Path, rule: str) -> None:
    with pytest.raises(ConfigError) as refused:
        check_planner_key(settings(tmp_path, **{rule: True}))

    assert str(refused.value) == (f"OZON_RPA_{rule.upper()} is on, so a plan is signed by its planner's own SSH key, "
                                  f"and no signing key is set: {SETUP}")


def test_a_signing_key_that_is_not_there_should_be_refused_naming_it(office: Office, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as no_key:
        check_planner_key(settings(tmp_path, require_approval=True, signing_key=tmp_path / "missing-key"))
    assert str(no_key.value) == f"signing key {tmp_path / 'missing-key'}: no such file; {SETUP}"
    with pytest.raises(ConfigError) as no_file:
        check_planner_key(settings(tmp_path, require_approval=True, signing_key=office.anna.key,
                                   allowed_signers=tmp_path / "nowhere"))
    assert str(no_file.value) == f"OZON_RPA_ALLOWED_SIGNERS={tmp_path / 'nowhere'}: no such file, or it cannot be read"
    assert check_planner_key(settings(tmp_path, four_eyes=True, signing_key=office.anna.key,
                                      allowed_signers=office.allowed)) == office.anna.fingerprint


def test_the_settings_should_expand_a_home_folder_in_key_paths(tmp_path: Path) -> None:
    chosen = settings(tmp_path, signing_key="~/.ssh/ozon-rpa", allowed_signers="~/allowed_signers")

    assert chosen.signing_key == Path.home() / ".ssh" / "ozon-rpa"
    assert chosen.allowed_signers == Path.home() / "allowed_signers"


def test_a_signed_statement_should_survive_a_round_trip_through_its_file(tmp_path: Path) -> None:
    signed = Signed(statement={"purpose": "approve", "plan_hash": "ab" * 32, "by": "李伟"}, signature="sig")
    write_approval(signed, tmp_path / "x.approval")

    assert read_approval(tmp_path / "x.approval") == signed
    assert read_approval(tmp_path / "x.approval").message == signed.message
    text = (tmp_path / "x.approval").read_bytes().decode("utf-8")  # for people too: readable, their script kept
    assert text == ('{\n  "statement": {\n    "purpose": "approve",\n    "plan_hash": "' + "ab" * 32 + '",\n'
                    '    "by": "李伟"\n  },\n  "signature": "sig"\n}\n')
    assert [p.name for p in tmp_path.iterdir()] == ["x.approval"], "written in one piece, nothing left over"


def test_a_missing_approval_file_should_be_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        read_approval(tmp_path / "changes.plan.json.approval")

    assert str(refused.value) == f"{tmp_path / 'changes.plan.json.approval'}: no such approval file"


def test_an_empty_key_setting_should_mean_none(tmp_path: Path) -> None:
    chosen = settings(tmp_path, signing_key="", allowed_signers=" ")

    assert chosen.signing_key is None and chosen.allowed_signers is None
