"""A plan row, exactly: what the portal's state makes of it, and the change request the runner gets from it.

Every field matters here: a lost ``expected_items`` turns the pre-check off, a lost ``notify`` keeps a buyer
uninformed, a wrong ``why`` misleads the approver.
"""

from __future__ import annotations

from typing import Any

import pytest

from agent.bulk.plan import Plan, PlanRow
from agent.bulk.plan_rows import apply_portal_state, rejected_results, row_request, to_requests
from agent.core.records import ChangeRequest, ChangeResult, Outcome

NEW = "RR473124829GB"


def row(**fields: Any) -> PlanRow:
    base: dict[str, Any] = {"row_number": 7, "posting_number": "12345678-0001-1", "new_tracking": NEW,
                            "carrier": "china_post", "reason": "carrier mix-up", "notify": True,
                            "expected_items": {"SKU-1": 2}, "expected_address": "Воронеж", "warnings": ["w0"]}
    return PlanRow(**{**base, **fields})


def test_a_row_request_should_carry_every_field_of_the_row() -> None:
    planned = row(force=True, old_tracking="LP00000000000001", current_carrier="cainiao", read_at="2026-11-28T06:00:00")

    request = row_request(planned)

    assert request == ChangeRequest(
        posting_number="12345678-0001-1", new_tracking=NEW, carrier="china_post", reason="carrier mix-up",
        notify=True, expected_items={"SKU-1": 2}, expected_address="Воронеж", force=True, pending=False,
        row_number=7, expect_old_tracking="LP00000000000001", expect_old_carrier="cainiao", overwrite_changed=False)
    assert row_request(planned, overwrite_changed=True).overwrite_changed is True


def test_a_pending_row_request_should_stay_pending() -> None:
    assert row_request(row(pending=True, new_tracking="", action="pending")).pending is True


@pytest.mark.parametrize(("fields", "expects"), [
    ({"read_at": "2026-11-28T06:00:00", "action": "change"}, True),
    ({"read_at": "2026-11-28T06:00:00", "action": "unchanged"}, True),
    ({"read_at": "2026-11-28T06:00:00", "action": "rejected"}, False),
    ({"read_at": "2026-11-28T06:00:00", "action": "pending"}, False),
    ({"read_at": "", "action": "change"}, False),
], ids=["read-change", "read-unchanged", "read-rejected", "read-pending", "not-read"])
def test_a_row_request_should_expect_the_planned_state_only_when_the_plan_read_it(
    fields: dict[str, Any], expects: bool
) -> None:
    request = row_request(row(old_tracking="LP00000000000001", current_carrier="cainiao", **fields))

    assert (request.expect_old_tracking, request.expect_old_carrier) == (
        ("LP00000000000001", "cainiao") if expects else (None, None))


def decided(planned: PlanRow, **state: Any) -> dict[str, Any]:
    """The fields ``apply_portal_state`` decides."""
    done = apply_portal_state(planned, **{"old_tracking": "LP00000000000001", "current_carrier": "cainiao",
                                          "status": "delivering", "editable": True, **state})
    return {k: getattr(done, k) for k in ("old_tracking", "current_carrier", "status", "action", "why", "warnings")}


@pytest.mark.parametrize(("planned", "state", "expected"), [
    (row(), {}, {"action": "change", "why": "", "warnings": ["w0"]}),
    (row(action="rejected", why="bad number"), {}, {"action": "rejected", "why": "bad number", "warnings": ["w0"]}),
    (row(), {"found": False, "old_tracking": "", "current_carrier": "", "status": ""},
     {"action": "rejected", "why": "not found: the portal has no posting with this number", "warnings": ["w0"]}),
    (row(pending=True, new_tracking="", action="pending"), {},
     {"action": "pending", "why": "", "warnings": ["w0", "pending, but the posting already has tracking number"
                                                          " LP00000000000001"]}),
    (row(pending=True, new_tracking="", action="pending"), {"old_tracking": ""},
     {"action": "pending", "why": "", "warnings": ["w0"]}),
    (row(), {"old_tracking": NEW, "current_carrier": "china_post", "editable": False},
     {"action": "unchanged", "why": "already has this number", "warnings": ["w0"]}),
    (row(carrier=None), {"old_tracking": NEW.lower()},
     {"action": "unchanged", "why": "already has this number", "warnings": ["w0"]}),
    (row(), {"editable": False, "not_editable_reason": "status delivered"},
     {"action": "rejected", "why": "not editable: status delivered", "warnings": ["w0"]}),
    (row(), {"editable": False},
     {"action": "rejected", "why": "not editable: the portal does not allow it", "warnings": ["w0"]}),
    (row(action="unchanged", why="old why"), {},
     {"action": "change", "why": "", "warnings": ["w0"]}),
    (row(), {"old_tracking": NEW, "current_carrier": ""},
     {"action": "change", "why": "", "warnings": ["w0", "same number; the carrier changes from none to china_post"]}),
    (row(), {"old_tracking": NEW},
     {"action": "change", "why": "",
      "warnings": ["w0", "same number; the carrier changes from cainiao to china_post"]}),
], ids=["change", "stays-rejected", "not-found", "pending-with-a-number", "pending", "unchanged-even-if-locked",
        "unchanged-any-carrier", "not-editable-why", "not-editable-default-why", "re-planned-change",
        "carrier-only-from-none", "carrier-only"])
def test_the_portal_state_should_decide_the_action_the_why_and_the_warnings_exactly(
    planned: PlanRow, state: dict[str, Any], expected: dict[str, Any]
) -> None:
    found = decided(planned, **state)

    portal = {"old_tracking": state.get("old_tracking", "LP00000000000001"),
              "current_carrier": state.get("current_carrier", "cainiao"), "status": state.get("status", "delivering")}
    assert found == {**portal, **expected}


def test_the_portal_state_should_leave_the_given_row_alone() -> None:
    planned = row()

    done = apply_portal_state(planned, old_tracking="", current_carrier="", status="delivering", editable=True)
    assert done.expected_items is not None
    done.expected_items["SKU-1"] = 99
    done.warnings.append("more")

    assert planned.expected_items == {"SKU-1": 2} and planned.warnings == ["w0"]


def test_a_rejected_row_should_reach_the_journal_with_everything_the_report_shows() -> None:
    plan = Plan(rows=[row(action="rejected", why="not editable: delivered", old_tracking="LP00000000000001"),
                      row(posting_number="12345678-0002-1")])

    [(rejected_row, result)] = rejected_results(plan)

    assert rejected_row is plan.rows[0]
    assert result == ChangeResult(posting_number="12345678-0001-1", outcome=Outcome.REJECTED,
                                  old_tracking="LP00000000000001", new_tracking=NEW, carrier="china_post",
                                  error="not editable: delivered", warnings=["w0"])


def test_the_requests_of_a_plan_should_carry_its_approved_overwrite_setting() -> None:
    plan = Plan(overwrite_changed=True, rows=[row(), row(posting_number="12345678-0002-1", action="rejected"),
                                              row(posting_number="12345678-0003-1", action="unchanged")])

    requests = to_requests(plan)

    assert [r.posting_number for r in requests] == ["12345678-0001-1", "12345678-0003-1"]
    assert all(r.overwrite_changed for r in requests)
