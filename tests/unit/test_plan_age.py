"""What a plan promises about the postings it read: their old numbers (the run's expectation) and how fresh that is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent.bulk.plan import Plan, PlanRow, compute_hash
from agent.bulk.plan_checks import check_age
from agent.bulk.plan_rows import row_request, to_requests
from agent.core.errors import InputError
from agent.core.records import ChangeRequest, PostingSnapshot
from scenarios.change_checks import changed_since_plan

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
P1 = "48173252-0033-2"


def read_row(hours_ago: float = 1.0, **fields: object) -> PlanRow:
    data: dict[str, object] = {"posting_number": P1, "new_tracking": "RR473124829GB", "old_tracking": "LP00000001CN",
                               "current_carrier": "china_post",
                               "read_at": (NOW - timedelta(hours=hours_ago)).isoformat()}
    return PlanRow(**{**data, **fields})


@pytest.mark.parametrize(
    ("hours", "warns"), [(1, False), (23.5, False), (30, True), (24 * 6.5, True)],
    ids=["an-hour", "under-a-day", "a-day-and-more", "six-and-a-half-days"],
)
def test_check_age_should_warn_only_about_plans_older_than_the_warning_age(hours: float, warns: bool) -> None:
    plan = Plan(rows=[read_row(hours)])
    warning = check_age(plan, warn_after_h=24, refuse_after_h=168, now=NOW)
    assert bool(warning) == warns
    if warns:
        assert "rejected, not overwritten" in warning


def test_check_age_should_refuse_a_plan_read_longer_ago_than_the_limit_and_say_to_plan_again() -> None:
    plan = Plan(rows=[read_row(1), read_row(24 * 8)])  # the oldest read counts
    with pytest.raises(InputError, match=r"8\.0 days ago.*plan again"):
        check_age(plan, warn_after_h=24, refuse_after_h=168, now=NOW)


def test_check_age_should_use_the_plans_creation_when_no_posting_was_read() -> None:
    plan = Plan(created_at=(NOW - timedelta(days=10)).isoformat(), rows=[read_row(read_at="")])
    with pytest.raises(InputError):
        check_age(plan, warn_after_h=24, refuse_after_h=168, now=NOW)


def test_row_request_should_expect_what_the_plan_read() -> None:
    request = row_request(read_row())
    assert (request.expect_old_tracking, request.expect_old_carrier) == ("LP00000001CN", "china_post")
    assert not request.overwrite_changed


@pytest.mark.parametrize(
    "row", [read_row(read_at=""), read_row(action="pending", pending=True, new_tracking=""),
            read_row(action="rejected", why="not editable")],
    ids=["not-read", "pending", "rejected"],
)
def test_row_request_should_expect_nothing_of_rows_it_did_not_read_or_will_not_save(row: PlanRow) -> None:
    assert row_request(row).expect_old_tracking is None


def test_the_plans_overwrite_setting_should_be_sealed_and_reach_every_request() -> None:
    plan = Plan(rows=[read_row()]).seal()
    sealed = plan.content_hash
    plan.overwrite_changed = True
    assert compute_hash(plan) != sealed, "approving a plan approves its overwrite setting"
    assert all(r.overwrite_changed for r in to_requests(plan))


def test_read_times_should_be_part_of_the_sealed_content() -> None:
    plan = Plan(rows=[read_row(30)]).seal()
    plan.rows[0].read_at = NOW.isoformat()  # making an old plan look fresh breaks its seal
    assert compute_hash(plan) != plan.content_hash


def snapshot(tracking: str, carrier: str = "china_post") -> PostingSnapshot:
    return PostingSnapshot(posting_number=P1, tracking_number=tracking, carrier=carrier)


def expecting(old: str | None, carrier: str | None = "china_post") -> ChangeRequest:
    return ChangeRequest(posting_number=P1, new_tracking="RR473124829GB", expect_old_tracking=old,
                         expect_old_carrier=carrier)


@pytest.mark.parametrize(
    ("request_", "posting", "why"),
    [(expecting("LP00000001CN"), snapshot("LP00000001CN"), ""),
     (expecting("lp 00000001cn"), snapshot("LP00000001CN"), ""),
     (expecting(None), snapshot("RA123456785CN"), ""),
     (expecting("LP00000001CN"), snapshot("RA123456785CN"),
      "changed since the plan: planned to replace LP00000001CN, now shows RA123456785CN"),
     (expecting(""), snapshot("RA123456785CN"),
      "changed since the plan: planned to replace (no number), now shows RA123456785CN"),
     (expecting("LP00000001CN"), snapshot("LP00000001CN", "cdek"),
      "changed since the plan: planned to replace LP00000001CN with carrier china_post, now the carrier is cdek"),
     (expecting("LP00000001CN", carrier=""), snapshot("LP00000001CN", "cdek"), "")],
    ids=["same", "same-normalized", "no-expectation", "other-number", "number-set-since", "other-carrier",
         "carrier-not-read"],
)
def test_changed_since_plan_should_name_both_values_when_the_posting_changed(
    request_: ChangeRequest, posting: PostingSnapshot, why: str
) -> None:
    assert changed_since_plan(request_, posting) == why
