"""The plan file: content hash, save/load, building from input, portal state, approvals in the journal."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.bulk.approval import Supervision
from agent.bulk.inputs import read_rows
from agent.bulk.plan import Plan, PlanRow, compute_hash, load_plan, save_plan, verify_plan
from agent.bulk.plan_checks import approve_plan, check_approval
from agent.bulk.plan_rows import apply_portal_state, plan_from_input, rejected_results, to_requests
from agent.core.errors import ConfigError, InputError
from agent.core.journal.store import Journal
from agent.core.records import Outcome

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
P1, P2 = "48173252-0033-2", "48173252-0034-1"


def _plan(**overrides: object) -> Plan:
    rows = [
        PlanRow(row_number=2, posting_number=P1, new_tracking="RR473124829GB", carrier="china_post",
                reason="物流商换单", original={"货件编号": P1, "新单号": "RR473124829GB"}),
        PlanRow(row_number=3, posting_number=P2, new_tracking="62009147017544", carrier="russian_post",
                action="rejected", why="not editable: delivered"),
    ]
    data: dict[str, object] = {"created_by": "li.wei", "source": "in.csv", "source_sha256": "ab" * 32,
                               "base_url": "http://127.0.0.1:8400", "columns": ["货件编号", "新单号"], "rows": rows}
    data.update(overrides)
    return Plan.model_validate(data).seal()


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite")


def test_hash_is_the_same_for_the_same_content() -> None:
    assert compute_hash(_plan()) == compute_hash(_plan())


def test_hash_ignores_created_at() -> None:
    assert compute_hash(_plan(created_at="2020-01-01T00:00:00+00:00")) == compute_hash(_plan())


def test_hash_changes_when_a_tracking_number_changes() -> None:
    plan = _plan()
    before = compute_hash(plan)
    plan.rows[0].new_tracking = "RR473124830GB"
    assert compute_hash(plan) != before


@pytest.mark.parametrize("change", [
    {"base_url": "https://seller.ozon.ru"}, {"source_sha256": "cd" * 32}, {"created_by": "someone.else"},
])
def test_hash_covers_target_source_and_planner(change: dict[str, object]) -> None:
    assert compute_hash(_plan(**change)) != compute_hash(_plan())


def test_hash_changes_when_an_action_or_notify_changes() -> None:
    plan = _plan()
    before = compute_hash(plan)
    plan.rows[1].action = "change"
    assert compute_hash(plan) != before
    plan.rows[1].action = "rejected"
    plan.rows[0].notify = True
    assert compute_hash(plan) != before


def test_a_sealed_plan_verifies_and_an_edited_one_does_not() -> None:
    plan = _plan()
    assert verify_plan(plan) and not plan.changed_since_sealed
    plan.rows[0].carrier = "cainiao"
    assert not verify_plan(plan) and plan.changed_since_sealed


def test_an_unsealed_plan_does_not_verify() -> None:
    assert not verify_plan(Plan())


def test_save_and_load_round_trip_keeps_everything(tmp_path: Path) -> None:
    plan = _plan()
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    assert "物流商换单" in path.read_text(encoding="utf-8")  # readable, not \\u-escaped
    loaded = load_plan(path)
    assert loaded == plan
    assert verify_plan(loaded)


def test_load_sees_a_hand_edit_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    save_plan(_plan(), path)
    path.write_text(path.read_text(encoding="utf-8").replace("RR473124829GB", "RR000000000GB"), encoding="utf-8")
    assert load_plan(path).changed_since_sealed


@pytest.mark.parametrize("content", [b"not json at all", b"[1, 2]", b'{"rows": "nope"}', b"\xff\xfe\x00garbage",
                                     b'{"version": 99}'])
def test_load_of_garbage_raises_input_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "my-plan.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match="my-plan.json"):
        load_plan(path)


def test_load_of_a_missing_file_raises_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="absent.json"):
        load_plan(tmp_path / "absent.json")


def _input(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "changes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_from_input_keeps_every_row_in_file_order(tmp_path: Path) -> None:
    path = _input(tmp_path, "posting_number,new_tracking,carrier,reason,pending\n"
                            f"{P1},RR473124829GB,China Post,relabel,\n"
                            "bad,RR473124829GB,,,\n"
                            f"{P2},,Cainiao,no number yet,yes\n"
                            "48173252-0035-1,RR473124820GB,Почта Марса,,\n")
    plan = plan_from_input(read_rows(path), base_url="http://x", created_by="li.wei")
    assert [(r.row_number, r.action) for r in plan.rows] == [(2, "change"), (3, "rejected"), (4, "pending"),
                                                            (5, "rejected")]
    assert plan.rows[0].carrier == "china_post" and plan.rows[0].reason == "relabel"
    assert "not a posting number" in plan.rows[1].why
    # Two problems on one row become one rejected row that names both.
    assert "check digit" in plan.rows[3].why and "unknown carrier" in plan.rows[3].why
    assert plan.rows[3].new_tracking == "RR473124820GB" and plan.rows[3].original["carrier"] == "Почта Марса"
    assert plan.columns == ["posting_number", "new_tracking", "carrier", "reason", "pending"]
    assert len(plan.source_sha256) == 64 and plan.created_by == "li.wei"


def test_portal_state_marks_a_number_already_set_as_unchanged_even_when_not_editable() -> None:
    row = PlanRow(posting_number=P1, new_tracking="RR473124829GB", carrier="china_post")
    out = apply_portal_state(row, old_tracking="RR473124829GB", current_carrier="china_post", status="delivered",
                             editable=False, not_editable_reason="delivered")
    assert out.action == "unchanged" and out.old_tracking == "RR473124829GB"
    assert row.action == "change"  # the input row is left alone


def test_portal_state_same_number_other_carrier_is_a_change() -> None:
    row = PlanRow(posting_number=P1, new_tracking="RR473124829GB", carrier="cainiao")
    out = apply_portal_state(row, old_tracking="RR473124829GB", current_carrier="china_post", status="delivering",
                             editable=True)
    assert out.action == "change" and out.warnings


@pytest.mark.parametrize(("kwargs", "why"), [
    ({"found": False, "editable": False}, "not found"),
    ({"editable": False, "not_editable_reason": "status Delivered"}, "not editable: status Delivered"),
])
def test_portal_state_rejects_missing_and_not_editable_postings(kwargs: dict[str, object], why: str) -> None:
    row = PlanRow(posting_number=P1, new_tracking="RR473124829GB")
    out = apply_portal_state(row, old_tracking="", current_carrier="", status="delivered", **kwargs)  # type: ignore[arg-type]
    assert out.action == "rejected" and why in out.why


def test_portal_state_keeps_rejected_and_pending_rows() -> None:
    rejected = PlanRow(posting_number=P1, action="rejected", why="typo")
    pending = PlanRow(posting_number=P2, pending=True, action="pending")
    state = {"old_tracking": "", "current_carrier": "cdek", "status": "awaiting_deliver", "editable": True}
    assert apply_portal_state(rejected, **state).why == "typo"  # type: ignore[arg-type]
    assert apply_portal_state(pending, **state).action == "pending"  # type: ignore[arg-type]


def test_requests_cover_actionable_rows_and_rejected_rows_get_results() -> None:
    plan = _plan()
    requests = to_requests(plan)
    assert [(r.posting_number, r.row_number, r.carrier) for r in requests] == [(P1, 2, "china_post")]
    [(row, result)] = rejected_results(plan)
    assert row.row_number == 3 and result.outcome == Outcome.REJECTED and result.error == "not editable: delivered"


def test_without_a_rule_a_plan_runs_unapproved_and_names_its_planner(journal: Journal) -> None:
    assert check_approval(_plan(), journal, require_approval=False, four_eyes=False) == Supervision(
        approved_by="", planned_by="li.wei")


def test_without_a_rule_a_typed_name_is_kept_as_the_approver(journal: Journal) -> None:
    plan = _plan()
    approve_plan(plan, journal, approved_by="anna.petrova")
    approve_plan(plan, journal, approved_by=" Boris ")

    assert check_approval(plan, journal, require_approval=False, four_eyes=False) == Supervision(
        approved_by="Boris", planned_by="li.wei")
    assert [(a["approved_by"], a["planned_by"], a["key_fingerprint"]) for a in journal.approvals(plan.content_hash)] \
        == [("anna.petrova", "li.wei", ""), ("Boris", "li.wei", "")]


def test_a_typed_name_of_another_plan_is_not_its_approver(journal: Journal) -> None:
    approve_plan(_plan(), journal, approved_by="anna.petrova")

    assert check_approval(_plan(source="other.csv"), journal, require_approval=False, four_eyes=False).approved_by == ""


def test_a_plan_edited_after_a_typed_approval_is_refused(journal: Journal) -> None:
    plan = _plan()
    approve_plan(plan, journal, approved_by="anna.petrova")
    plan.rows[0].new_tracking = "RR000000000GB"
    with pytest.raises(InputError, match="changed after it was sealed"):
        check_approval(plan, journal, require_approval=False, four_eyes=False)
    plan.seal()  # re-sealing an edit does not carry the approval over: it names the old hash
    assert check_approval(plan, journal, require_approval=False, four_eyes=False).approved_by == ""


@pytest.mark.parametrize(("require_approval", "four_eyes"), [(True, False), (False, True)],
                         ids=["require-approval", "four-eyes"])
def test_under_a_rule_a_typed_name_is_no_approval(journal: Journal, tmp_path: Path, require_approval: bool,
                                                  four_eyes: bool) -> None:
    plan = _plan()
    approve_plan(plan, journal, approved_by="anna.petrova")

    with pytest.raises(InputError, match="a plan made while applying cannot run"):
        check_approval(plan, journal, require_approval=require_approval, four_eyes=four_eyes)
    with pytest.raises(ConfigError, match="OZON_RPA_ALLOWED_SIGNERS is not set"):
        check_approval(plan, journal, require_approval=require_approval, four_eyes=four_eyes,
                       approval_file=tmp_path / "c.plan.json.approval")


def test_an_approval_needs_a_name(journal: Journal) -> None:
    with pytest.raises(InputError):
        approve_plan(_plan(), journal, approved_by="  ")


@pytest.mark.parametrize(("name", "rejected_rows"), [
    ("tracking-changes-gbk.csv", [6, 22]),
    ("tracking-changes.xlsx", [8]),
    ("tracking-changes-utf8.csv", [6]),
])
def test_sample_files_plan_with_the_documented_rejections(name: str, rejected_rows: list[int]) -> None:
    plan = plan_from_input(read_rows(SAMPLES / name), base_url="http://x", created_by="demo")
    assert [r.row_number for r in plan.rows if r.action == "rejected"] == rejected_rows
    assert [r.row_number for r in plan.rows] == sorted(r.row_number or 0 for r in plan.rows)
