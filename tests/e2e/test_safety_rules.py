"""Safety rules through the real CLI and the real sandbox: approval required on its own, the duplicate-number rule.

Each test checks the portal (the oracle's save requests), not only what the agent says.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from tests.conftest import Oracle
from tests.e2e.test_change import s10
from tests.ssh_keys import Person, make_person, write_allowed

pytestmark = pytest.mark.e2e


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("posting_number,tracking_number\n" + "".join(f"{n},{t}\n" for n, t in rows), encoding="utf-8")
    return path


def outcomes(settings: Settings) -> dict[str, str]:
    with sqlite3.connect(settings.journal_path) as db:
        return dict(db.execute("SELECT posting_number, outcome FROM items"))


# -- approval: OZON_RPA_REQUIRE_APPROVAL alone, without the four-eyes rule ------------------------------------

def approval_only(tmp_path: Path) -> tuple[Person, dict[str, str]]:
    """OZON_RPA_REQUIRE_APPROVAL without four-eyes, for Anna, whose key the allowed-signers file lists."""
    anna = make_person(tmp_path, "anna")
    return anna, {"OZON_RPA_REQUIRE_APPROVAL": "true", "OZON_RPA_OPERATOR": "anna",
                  "OZON_RPA_SIGNING_KEY": str(anna.key),
                  "OZON_RPA_ALLOWED_SIGNERS": str(write_allowed(tmp_path / "allowed", anna.line()))}


def test_require_approval_alone_should_refuse_an_unapproved_plan_and_a_raw_file_touching_nothing(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path
) -> None:
    _, APPROVAL_ONLY = approval_only(tmp_path)  # noqa: N806 - the rule's name
    postings = sandbox.postings(editable=True, limit=22)[20:22]
    rows = [(p["posting_number"], s10(13_200_001 + i)) for i, p in enumerate(postings)]
    source = write_csv(tmp_path / "c.csv", rows)
    plan = tmp_path / "c.plan.json"
    assert cli("bulk", "plan", str(source), "-o", str(plan), env_extra=APPROVAL_ONLY).exit_code == 0

    unapproved = cli("bulk", "apply", str(plan), env_extra=APPROVAL_ONLY)
    raw = cli("bulk", "apply", str(source), "--yes", env_extra=APPROVAL_ONLY)

    assert unapproved.exit_code == 2 and "not approved" in unapproved.output, unapproved.output
    assert raw.exit_code == 2 and "approved" in raw.output, raw.output
    assert all(sandbox.posting(n)["save_requests"] == 0 for n, _ in rows)


def test_require_approval_alone_should_let_the_planner_approve_their_own_plan(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    anna, APPROVAL_ONLY = approval_only(tmp_path)  # noqa: N806 - the rule's name
    postings = sandbox.postings(editable=True, limit=24)[22:24]
    rows = [(p["posting_number"], s10(13_200_011 + i)) for i, p in enumerate(postings)]
    plan = tmp_path / "c.plan.json"
    assert cli("bulk", "plan", str(write_csv(tmp_path / "c.csv", rows)), "-o", str(plan),
               env_extra=APPROVAL_ONLY).exit_code == 0
    assert cli("bulk", "approve", str(plan), env_extra=APPROVAL_ONLY).exit_code == 0  # with her own key

    result = cli("bulk", "apply", str(plan), env_extra=APPROVAL_ONLY)

    assert result.exit_code == 0, result.output  # no four-eyes rule: the planner's own approval counts
    assert f"approved by anna ({anna.fingerprint})" in " ".join(result.output.split())
    assert all(sandbox.posting(n)["tracking_number"] == t for n, t in rows)


# -- the duplicate-number rule ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("how", "allow"), [
    ("change-by-number", False), ("change-by-number", True), ("change-by-buyer", False), ("change-by-buyer", True),
    ("bulk-apply", False),  # a bulk file has no allow-duplicate switch
], ids=["by-number-refused", "by-number-allowed", "by-buyer-refused", "by-buyer-allowed", "bulk-refused"])
def test_a_number_already_recorded_on_another_posting_should_be_rejected_unless_allowed(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, how: str, allow: bool
) -> None:
    names = [p["buyer_name"] for p in sandbox.postings(limit=1000)]
    first, second = [p for p in sandbox.postings(editable=True, limit=300) if names.count(p["buyer_name"]) == 1][:2]
    number = s10(13_200_100 + 10 * ("change-by-number", "change-by-buyer", "bulk-apply").index(how) + int(allow))
    assert cli("change", first["posting_number"], number).exit_code == 0
    flag = ["--allow-duplicate"] if allow else []

    if how == "change-by-number":
        result = cli("change", second["posting_number"], number, *flag)
    elif how == "change-by-buyer":
        result = cli("change", "--by-buyer", second["buyer_name"], number, *flag)
    else:
        source = write_csv(tmp_path / "c.csv", [(second["posting_number"], number)])
        result = cli("bulk", "apply", str(source), "--yes")

    truth = sandbox.posting(second["posting_number"])
    if allow:
        assert result.exit_code == 0, result.output
        assert truth["tracking_number"] == number and truth["save_count"] == 1
        assert outcomes(agent_settings)[second["posting_number"]] == "changed"
    else:
        assert result.exit_code == 1, result.output
        assert "rejected" in result.output and first["posting_number"] in result.output
        assert truth["save_requests"] == 0 and truth["tracking_number"] == second["tracking_number"]
        assert outcomes(agent_settings)[second["posting_number"]] == "rejected"
