"""One plan, one run at a time: two real `bulk apply` processes of one plan, and a `change` beside a bulk run.

Real processes (``python -m agent``) against the real sandbox; the oracle's save counts are the truth.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from tests.conftest import Oracle
from tests.e2e.test_bulk import REPO, agent_env, journal, start_agent, when_saved, write_rows
from tests.e2e.test_change import s10

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
__all__ = ["agent_env"]  # the fixture, shared with the bulk tests


@pytest.fixture
def plan(cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path) -> tuple[Path, list[list[str]]]:
    """A plan of ten postings."""
    postings = sandbox.postings(editable=True, limit=10)
    rows = [[p["posting_number"], s10(13_500_000 + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    target = tmp_path / "c.plan.json"
    made = cli("bulk", "plan", str(source), "-o", str(target))
    assert made.exit_code == 0, made.output
    return target, rows


def bulk_runs(settings: Settings) -> list[str]:
    """The ids of the journal's bulk runs."""
    return [str(run_id) for (run_id,) in journal(settings, "SELECT id FROM runs WHERE kind='bulk'")]


def test_two_applies_of_one_plan_started_together_should_save_each_posting_once(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], plan: tuple[Path, list[list[str]]]
) -> None:
    target, rows = plan
    sandbox.configure(latency_ms=150)  # a run that lasts long enough for the second to meet it

    first = start_agent(agent_env, "bulk", "apply", str(target), "--workers", "2")
    second = start_agent(agent_env, "bulk", "apply", str(target), "--workers", "2")
    outputs = [p.communicate(timeout=240)[0] for p in (first, second)]

    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 3], outputs
    ran, refused = (outputs[0], outputs[1]) if first.returncode == 0 else (outputs[1], outputs[0])
    (run_id,) = bulk_runs(agent_settings)  # the refused one opened no run at all
    winner = first if first.returncode == 0 else second
    assert f"run {run_id} on host {socket.gethostname()}, pid {winner.pid}" in " ".join(refused.split()), refused
    for number, new in rows:
        truth = sandbox.posting(number)
        assert truth["tracking_number"] == new
        assert truth["save_count"] == 1, f"{number} saved {truth['save_count']} times"


def test_a_change_of_a_posting_being_applied_should_be_refused_until_the_run_ends(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], plan: tuple[Path, list[list[str]]]
) -> None:
    target, rows = plan
    sandbox.configure(latency_ms=150)
    last, _ = rows[-1]
    bulk = start_agent(agent_env, "bulk", "apply", str(target), "--workers", "1")
    mine = s10(13_500_099)

    box: dict[str, subprocess.CompletedProcess[str]] = {}

    def change_now() -> None:
        box["change"] = subprocess.run([sys.executable, "-m", "agent", "change", last, mine], cwd=REPO,
                                       env=agent_env, text=True, capture_output=True, timeout=120)

    when_saved(sandbox, rows, 1, change_now).join(timeout=240)
    output, _ = bulk.communicate(timeout=240)

    refused = box["change"]
    assert refused.returncode == 3, refused.stdout + refused.stderr
    (run_id,) = bulk_runs(agent_settings)
    assert f"posting {last} is being applied by run {run_id}" in " ".join((refused.stdout + refused.stderr).split())
    assert bulk.returncode == 0, output
    assert sandbox.posting(last)["tracking_number"] == rows[-1][1], "the run's number, not the refused change's"

    after = subprocess.run([sys.executable, "-m", "agent", "change", last, mine], cwd=REPO, env=agent_env,
                           text=True, capture_output=True, timeout=120)
    assert after.returncode == 0, after.stdout + after.stderr
    assert sandbox.posting(last)["tracking_number"] == mine


def test_a_killed_run_should_not_block_its_resume(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], plan: tuple[Path, list[list[str]]]
) -> None:
    target, rows = plan
    sandbox.configure(latency_ms=100)
    agent = start_agent(agent_env, "bulk", "apply", str(target), "--workers", "2")
    when_saved(sandbox, rows, 3, lambda: os.killpg(agent.pid, signal.SIGKILL)).join(timeout=240)
    agent.wait(timeout=60)
    assert journal(agent_settings, "SELECT COUNT(*) FROM leases") != [(0,)], "the kill left its lease behind"
    sandbox.configure(latency_ms=0)
    (run_id,) = bulk_runs(agent_settings)

    again = subprocess.run([sys.executable, "-m", "agent", "bulk", "apply", "--resume", run_id], cwd=REPO,
                           env=agent_env, text=True, capture_output=True, timeout=300)

    assert again.returncode == 0, again.stdout + again.stderr
    assert all(sandbox.posting(n)["save_count"] == 1 for n, _ in rows)
    assert journal(agent_settings, "SELECT COUNT(*) FROM leases") == [(0,)]
