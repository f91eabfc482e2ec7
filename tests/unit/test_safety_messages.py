"""The exact words a person reads when a safety rule refuses: a probable typo, an approval missing or wrong.

Mutation testing showed that only parts of these messages were checked: the format named in a check-digit
error (S10 or Russian Post), the hash prefix an approver compares, the advice on what to do next. The words of
signed approvals' refusals are checked in test_plan_approval.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.bulk.plan import Plan, PlanRow
from agent.bulk.plan_checks import approve_plan
from agent.core.errors import InputError, InvalidTrackingNumber
from agent.core.journal.store import Journal
from agent.rules.tracking import check


@pytest.mark.parametrize(("raw", "message"), [
    ("", "tracking number is empty"),
    ("  ", "tracking number is empty"),
    ("RR47312@829GB", "tracking number 'RR47312@829GB' has characters that are not allowed: '@';"
                      " use only A-Z, 0-9 and '-'"),
    ("A" * 41, f"tracking number '{'A' * 37}...' is too long: 41 characters, at most 32"),
    ("RR473124828GB", "tracking number RR473124828GB: probable typo: check digit should be 9 (UPU S10 format)"),
    ("62009147017545", "tracking number 62009147017545: probable typo: check digit should be 4"
                       " (Russian Post format)"),
], ids=["empty", "only-spaces", "illegal-character", "too-long", "s10-check-digit", "russian-post-check-digit"])
def test_a_refused_tracking_number_should_say_exactly_why(raw: str, message: str) -> None:
    with pytest.raises(InvalidTrackingNumber) as refused:
        check(raw)
    assert str(refused.value) == message


def test_a_forced_typo_should_be_kept_as_a_warning_naming_the_format() -> None:
    checked = check("RR473124828GB", force=True)

    assert checked.number == "RR473124828GB"
    assert checked.warnings == ["tracking number RR473124828GB: probable typo: check digit should be 9"
                                " (UPU S10 format); accepted because of force"]


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3")


def sealed_plan() -> Plan:
    return Plan(created_by="anna", source="c.csv", rows=[
        PlanRow(row_number=2, posting_number="12345678-0001-1", new_tracking="RR473124829GB")]).seal()


@pytest.mark.parametrize(("by", "edit", "message"), [
    ("  ", False, "an approval needs the approver's name (--by NAME)"),
    ("boris", True, "the plan was changed after it was sealed (its content no longer matches its hash); "
                    "plan again and have the new plan approved"),
], ids=["no-name", "edited-plan"])
def test_an_approval_should_be_refused_saying_why(journal: Journal, by: str, edit: bool, message: str) -> None:
    plan = sealed_plan()
    if edit:
        plan.rows[0].new_tracking = "RR000000000CN"

    with pytest.raises(InputError) as refused:
        approve_plan(plan, journal, approved_by=by)

    assert str(refused.value) == message
    assert journal.approvals(plan.content_hash) == []


def test_an_unsealed_plan_should_be_refused_saying_how_to_make_one(journal: Journal) -> None:
    with pytest.raises(InputError) as refused:
        approve_plan(Plan(created_by="anna"), journal, approved_by="boris")

    assert str(refused.value) == "the plan is not sealed (no content hash); make it with `bulk plan`"


@pytest.mark.parametrize(("raw", "carrier", "warning"), [
    ("LP123", None, "tracking number LP123 looks like a Cainiao number (LP + 14-16 digits) but has a different length"),
    ("RR473124829CN", "cdek", "tracking number RR473124829CN looks like a china_post number, but the carrier is cdek"),
], ids=["near-miss-length", "carrier-mismatch"])
def test_a_suspicious_number_should_be_accepted_with_a_warning_that_says_why(
    raw: str, carrier: str | None, warning: str
) -> None:
    assert check(raw, carrier=carrier).warnings == [warning]
