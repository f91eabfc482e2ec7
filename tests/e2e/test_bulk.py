"""``ozon-rpa bulk`` end to end: real files, the real CLI (in-process and as a real process), the real sandbox."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from agent.core.settings import Settings
from tests.conftest import Oracle, process_env
from tests.e2e.test_change import s10
from tests.ssh_keys import Person, make_person, write_allowed

pytestmark = pytest.mark.e2e
SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
REPO = SAMPLES.parents[1]


def results_of(settings: Settings) -> dict[str, dict[str, str]]:
    """results.csv of the newest run, by row number."""
    run_dir = max(settings.runs_dir.iterdir(), key=lambda p: p.name)
    with open(run_dir / "results.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["row_number"]: row for row in csv.DictReader(handle)}


def journal(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(settings.journal_path) as db:
        return list(db.execute(sql))


def write_rows(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def mixed_rows(sandbox: Oracle, serial: int) -> tuple[list[list[str]], dict[str, str]]:
    """Five rows: two good, one typo, one not editable, one missing; with the outcome each must get."""
    good = sandbox.postings(editable=True, limit=20)
    locked = sandbox.postings(editable=False, limit=1)[0]
    typo = s10(serial + 2)
    typo = typo[:10] + str((int(typo[10]) + 1) % 10) + typo[11:]
    rows = [[good[0]["posting_number"], s10(serial), "china_post"],
            [good[1]["posting_number"], s10(serial + 1), "cainiao"],
            [good[2]["posting_number"], typo, "china_post"],
            [locked["posting_number"], s10(serial + 3), "china_post"],
            ["10000000-0000-1", s10(serial + 4), "china_post"]]
    expected = {"2": "changed", "3": "changed", "4": "rejected", "5": "rejected", "6": "rejected"}
    return rows, expected


@pytest.mark.parametrize(
    ("encoding", "header"),
    [("gb18030", ["货件编号", "新单号", "物流公司"]),
     ("utf-8-sig", ["Номер отправления", "Трек-номер", "Служба доставки"]),
     ("utf-8", ["posting_number", "tracking_number", "carrier"])],
    ids=["gbk-chinese-headers", "utf8-bom-russian-headers", "utf8-english-headers"],
)
def test_bulk_apply_should_give_each_row_its_outcome_in_every_encoding(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, encoding: str,
    header: list[str],
) -> None:
    rows, expected = mixed_rows(sandbox, 12_000_000 + 10 * len(encoding))
    source = write_rows(tmp_path / "changes.csv", header, rows, encoding)

    result = cli("bulk", "apply", str(source), "--yes", "--workers", "2")

    assert result.exit_code == 1, result.output  # rejected rows make exit 1
    outcomes = {n: row["outcome"] for n, row in results_of(agent_settings).items()}
    assert outcomes == expected
    for (number, new, carrier), outcome in zip(rows, expected.values(), strict=True):
        if number == "10000000-0000-1":
            continue
        truth = sandbox.posting(number)
        if outcome == "changed":  # the portal, not the agent's own file, says what was saved, and once
            assert (truth["tracking_number"], truth["carrier"], truth["save_count"]) == (new, carrier, 1), number
        else:
            assert truth["save_requests"] == 0, f"{number} was rejected, yet the portal got a save"


def test_bulk_apply_should_read_xlsx_with_numbers_stored_as_numbers(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    good = sandbox.postings(editable=True, limit=5)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Номер отправления", "Трек-номер", "Служба доставки", "Причина"])
    sheet.append([good[0]["posting_number"], 62009147017544, "Почта России", "ошибка ввода"])  # a NUMBER cell
    sheet.append([good[1]["posting_number"], s10(12_100_000), "China Post", "смена перевозчика"])
    book.save(tmp_path / "changes.xlsx")

    result = cli("bulk", "apply", str(tmp_path / "changes.xlsx"), "--yes")

    assert result.exit_code == 0, result.output
    assert sandbox.posting(good[0]["posting_number"])["tracking_number"] == "62009147017544"
    saved = openpyxl.load_workbook(max(agent_settings.runs_dir.iterdir()) / "results.xlsx").active
    assert saved is not None
    values = [[c.value for c in row] for row in saved.iter_rows()]
    assert any("62009147017544" in row for row in values), "the 14-digit number stays text, digit for digit"


def test_bulk_apply_of_the_sample_file_should_match_its_documented_outcomes(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    result = cli("bulk", "apply", str(SAMPLES / "tracking-changes-gbk.csv"), "--yes", "--workers", "3")

    assert result.exit_code == 1, result.output
    outcomes = {n: row["outcome"] for n, row in results_of(agent_settings).items()}
    assert len(outcomes) == 29
    assert {n for n, o in outcomes.items() if o == "rejected"} == {"6", "12", "17", "22"}
    assert [n for n, o in outcomes.items() if o == "unchanged"] == ["27"]
    assert sum(o == "changed" for o in outcomes.values()) == 24
    report = (max(agent_settings.runs_dir.iterdir()) / "report.html").read_text(encoding="utf-8")
    assert "10512117-7006-1" in report and "before.jpg" in report


def seeded_outcomes(seed: int, count: int, fail_rate: float, ack_loss_rate: float,
                    retries: int) -> tuple[list[str], int]:
    """What a one-worker run must end with under the sandbox's seeded save knobs, and how many answers get lost.

    The sandbox draws, per save request, "fails with 503?" and then, for a stored save, "answer lost?". A posting
    is ``changed`` once a save is stored (a lost answer is found out by reading back, never by saving again), and
    ``failed`` when every attempt got a 503.
    """
    rng, outcomes, lost = random.Random(seed), [], 0
    for _ in range(count):
        outcome = "failed"
        for _attempt in range(retries):
            if rng.random() < fail_rate:
                continue
            lost += rng.random() < ack_loss_rate
            outcome = "changed"
            break
        outcomes.append(outcome)
    return outcomes, lost


def test_bulk_apply_should_end_each_row_as_the_seeded_misbehaving_portal_dictates_and_save_at_most_once(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    postings = sandbox.postings(editable=True, limit=5)
    rows = [[p["posting_number"], s10(12_200_000 + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    seed = sandbox.http.get("/_sandbox/config").json()["seed"]
    expected, lost = seeded_outcomes(seed, len(rows), 0.5, 0.3, agent_settings.retries)
    assert "failed" in expected and "changed" in expected and lost, "the seed must exercise every path"
    sandbox.configure(fail_rate=0.5, ack_loss_rate=0.3)

    # One worker: the saves meet the seeded knobs in row order.
    result = cli("bulk", "apply", str(source), "--yes", "--workers", "1",
                 env_extra={"OZON_RPA_CIRCUIT_BREAKER": "50"})

    assert result.exit_code == 1, result.output
    outcomes = dict(journal(agent_settings, "SELECT posting_number, outcome FROM items WHERE finished_at IS NOT NULL"))
    assert [outcomes.get(n) for n, _ in rows] == expected
    for (number, new), outcome in zip(rows, expected, strict=True):
        truth = sandbox.posting(number)
        if outcome == "changed":
            assert (truth["tracking_number"], truth["save_count"]) == (new, 1), number
        else:
            assert truth["save_count"] == 0 and truth["tracking_number"] != new, number


def two_computers(tmp_path: Path) -> tuple[Person, Person, dict[str, str]]:
    """Anna (plans and applies here, under four-eyes) and Boris (approves on a computer of his own)."""
    anna, boris = make_person(tmp_path, "anna"), make_person(tmp_path, "boris")
    allowed = write_allowed(tmp_path / "allowed_signers", anna.line(), boris.line())
    strict = {"OZON_RPA_REQUIRE_APPROVAL": "true", "OZON_RPA_FOUR_EYES": "true", "OZON_RPA_OPERATOR": "anna",
              "OZON_RPA_ALLOWED_SIGNERS": str(allowed), "OZON_RPA_SIGNING_KEY": str(anna.key)}
    return anna, boris, strict


def approve_elsewhere(cli: Callable[..., Any], plan: Path, approver: Person) -> Any:
    """The plan mailed to ``approver``, approved on their computer (their state dir, their key), mailed back."""
    inbox = approver.home / "inbox"
    inbox.mkdir()
    shutil.copyfile(plan, inbox / plan.name)
    result = cli("bulk", "approve", str(inbox / plan.name), "--key", str(approver.key),
                 env_extra={"OZON_RPA_STATE_DIR": str(approver.state_dir)})
    if (inbox / f"{plan.name}.approval").exists():
        shutil.copyfile(inbox / f"{plan.name}.approval", plan.with_name(f"{plan.name}.approval"))
    return result


@pytest.mark.skins("classic")  # signatures are checked before the browser: one front end is enough
def test_bulk_apply_should_run_a_plan_approved_on_another_computer(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    anna, boris, strict = two_computers(tmp_path)
    rows, _ = mixed_rows(sandbox, 12_400_000)
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number", "carrier"], rows[:2], "utf-8")
    plan = tmp_path / "c.plan.json"
    planned = cli("bulk", "plan", str(source), "-o", str(plan), env_extra=strict)
    said = " ".join(planned.output.split())
    assert planned.exit_code == 0 and f"signed by anna with key {anna.fingerprint}" in said, planned.output
    assert approve_elsewhere(cli, plan, boris).exit_code == 0

    result = cli("bulk", "apply", str(plan), env_extra=strict)

    assert result.exit_code == 0, result.output
    assert journal(agent_settings, "SELECT approved_by, approver_key, planned_by, planner_key FROM runs") == [
        ("boris", boris.fingerprint, "anna", anna.fingerprint)]
    assert all(sandbox.posting(r[0])["tracking_number"] == r[1] for r in rows[:2])
    run_dir = max(agent_settings.runs_dir.iterdir())
    assert (run_dir / "plan.json.approval").read_bytes() == plan.with_name("c.plan.json.approval").read_bytes()
    assert boris.fingerprint in (run_dir / "report.html").read_text(encoding="utf-8")
    history = json.loads(cli("history", rows[0][0], "--format", "json").output)
    assert (history[0]["approved_by"], history[0]["approver_key"], history[0]["planned_by"]) == (
        "boris", boris.fingerprint, "anna")


@pytest.mark.skins("classic")
def test_bulk_apply_should_refuse_a_plan_its_planner_approved_under_four_eyes_and_save_nothing(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    anna, _, strict = two_computers(tmp_path)
    rows, _ = mixed_rows(sandbox, 12_300_000)
    source = write_rows(tmp_path / "changes.csv", ["posting_number", "tracking_number", "carrier"], rows[:2],
                        "utf-8")
    plan = tmp_path / "changes.plan.json"
    assert cli("bulk", "plan", str(source), "-o", str(plan), env_extra=strict).exit_code == 0
    laptop = Person("anna", tmp_path / "anna-laptop")  # her own other computer, where no rule is set
    laptop.home.mkdir()
    shutil.copyfile(anna.key, laptop.key)
    laptop.key.chmod(0o600)
    assert approve_elsewhere(cli, plan, laptop).exit_code == 0

    refused = cli("bulk", "apply", str(plan), env_extra=strict)

    assert refused.exit_code == 2, refused.output
    assert "four-eyes rule: the plan was planned and approved by the same person (anna)" in " ".join(
        refused.output.split())
    assert all(sandbox.posting(r[0])["save_requests"] == 0 for r in rows[:2])
    assert journal(agent_settings, "SELECT count(*) FROM runs WHERE kind='bulk'") == [(0,)]


def test_circuit_breaker_should_stop_the_run_resumably_after_failures_in_a_row(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    postings = sandbox.postings(editable=True, limit=8)
    rows = [[p["posting_number"], s10(12_500_000 + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    sandbox.configure(fail_rate=1.0)

    result = cli("bulk", "apply", str(source), "--yes", "--workers", "1",
                 env_extra={"OZON_RPA_CIRCUIT_BREAKER": "2", "OZON_RPA_RETRIES": "1"})

    assert result.exit_code == 3, result.output
    assert "circuit breaker" in result.output and "--resume" in result.output
    outcomes = [o for (o,) in journal(agent_settings, "SELECT outcome FROM items ORDER BY seq")]
    assert outcomes[:2] == ["failed", "failed"] and set(outcomes[2:]) == {"pending"}


# -- a real process: killed, interrupted, resumed ------------------------------------------------------------


@pytest.fixture
def agent_env(agent_settings: Settings) -> dict[str, str]:
    """Environment for ``python -m agent`` against the test's sandbox."""
    return process_env(agent_settings)


@pytest.fixture
def big_file(sandbox: Oracle, tmp_path: Path) -> Iterator[tuple[Path, list[list[str]]]]:
    postings = sandbox.postings(editable=True, limit=14)
    rows = [[p["posting_number"], s10(12_600_000 + i)] for i, p in enumerate(postings)]
    yield write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8"), rows


def start_agent(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "agent", *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def when_saved(sandbox: Oracle, rows: list[list[str]], count: int, then: Callable[[], None]) -> threading.Thread:
    """Test-side watcher: once ``count`` postings were saved, do ``then`` (kill, interrupt, anti-bot)."""
    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(0.05):
            saved = sum(sandbox.posting(n)["save_count"] for n, _ in rows)
            if saved >= count:
                then()
                return

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def settle(sandbox: Oracle, agent_env: dict[str, str], run_id: str, rows: list[list[str]]) -> str:
    """Resume the run to the end; check nothing was saved twice and every row is done."""
    resumed = subprocess.run([sys.executable, "-m", "agent", "bulk", "apply", "--resume", run_id], cwd=REPO,
                             env=agent_env, text=True, capture_output=True, timeout=300)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    for number, new in rows:
        truth = sandbox.posting(number)
        assert truth["tracking_number"] == new
        assert truth["save_count"] == 1, f"{number} saved {truth['save_count']} times across the resume"
    return resumed.stdout


def the_run(settings: Settings) -> str:
    return str(journal(settings, "SELECT id FROM runs WHERE kind='bulk'")[0][0])


def wait_until_held(sandbox: Oracle, timeout_s: float = 120) -> None:
    """Test-side polling of the oracle until a save is stored and its answer held by the sandbox."""
    deadline = threading.Event()
    for _ in range(int(timeout_s / 0.05)):
        if sandbox.http.get("/_sandbox/held").json()["held"]:
            return
        deadline.wait(0.05)
    raise AssertionError("no save was held")


def test_a_run_killed_between_the_portals_store_and_the_journals_record_should_resume_saving_nothing_twice(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], big_file: tuple[Path, list[list[str]]]
) -> None:
    source, rows = big_file
    agent = start_agent(agent_env, "bulk", "apply", str(source), "--yes", "--workers", "2")
    when_saved(sandbox, rows, 3, lambda: sandbox.http.post("/_sandbox/hold-saves").raise_for_status()).join(240)
    wait_until_held(sandbox)  # stored by the portal; the agent has not seen the answer, so the journal cannot know
    os.killpg(agent.pid, signal.SIGKILL)
    agent.wait(timeout=60)
    assert agent.returncode == -signal.SIGKILL
    pending = {n for (n,) in journal(agent_settings, "SELECT posting_number FROM items WHERE outcome='pending'")}
    assert any(sandbox.posting(n)["save_count"] == 1 for n in pending), "a save landed that the journal lacks"
    settled = {n for (n,) in journal(agent_settings, "SELECT posting_number FROM items WHERE outcome='changed'")}
    touched = {n: (sandbox.posting(n)["reads"], sandbox.posting(n)["save_requests"]) for n in settled}
    sandbox.http.post("/_sandbox/release-saves").raise_for_status()

    settle(sandbox, agent_env, the_run(agent_settings), rows)

    outcomes = {o for (o,) in journal(agent_settings, "SELECT outcome FROM items")}
    assert outcomes == {"changed"}
    recorded = journal(agent_settings, "SELECT posting_number, old_tracking FROM items")
    for number, old in recorded:  # the number before the change, even for a save that landed before the crash
        assert old == sandbox.posting(number)["tracking_history"][0]["old"]
    assert {n: (sandbox.posting(n)["reads"], sandbox.posting(n)["save_requests"]) for n in settled} == touched, (
        "the resume must leave the postings settled before the crash alone")


def test_ctrl_c_should_finish_the_posting_in_hand_and_leave_the_rest_pending(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], big_file: tuple[Path, list[list[str]]]
) -> None:
    source, rows = big_file
    agent = start_agent(agent_env, "bulk", "apply", str(source), "--yes", "--workers", "1")
    when_saved(sandbox, rows, 2, lambda: agent.send_signal(signal.SIGINT)).join(timeout=240)
    output, _ = agent.communicate(timeout=120)

    assert agent.returncode == 3, output
    outcomes = [o for (o,) in journal(agent_settings, "SELECT outcome FROM items ORDER BY seq")]
    assert "pending" in outcomes and outcomes.count("changed") >= 2
    assert all(o in ("changed", "pending") for o in outcomes)
    settle(sandbox, agent_env, the_run(agent_settings), rows)


def test_the_anti_bot_page_mid_run_should_stop_with_exit_3_and_resume_later(
    sandbox: Oracle, agent_settings: Settings, agent_env: dict[str, str], big_file: tuple[Path, list[list[str]]]
) -> None:
    source, rows = big_file
    agent = start_agent(agent_env, "bulk", "apply", str(source), "--yes", "--workers", "2")
    when_saved(sandbox, rows, 3, lambda: sandbox.configure(antibot_rate=1.0)).join(timeout=240)
    output, _ = agent.communicate(timeout=120)

    assert agent.returncode == 3, output
    assert "anti-bot" in output
    assert "pending" in {o for (o,) in journal(agent_settings, "SELECT outcome FROM items")}
    sandbox.configure(antibot_rate=0.0)  # a person cleared it
    settle(sandbox, agent_env, the_run(agent_settings), rows)


def test_confirm_each_should_ask_before_every_save_and_skip_what_the_person_declines(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    postings = sandbox.postings(editable=True, limit=2)
    rows = [[p["posting_number"], s10(12_700_000 + i)] for i, p in enumerate(postings)]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8")

    result = cli("bulk", "apply", str(source), "--yes", "--confirm", "each", input="y\nn\n")

    assert result.exit_code == 3, result.output  # a declined posting stays pending: the run can be resumed
    assert f"{rows[0][0]}:" in result.output and "Save?" in result.output
    assert sandbox.posting(rows[0][0])["tracking_number"] == rows[0][1]
    assert sandbox.posting(rows[1][0])["save_count"] == 0
    outcomes = journal(agent_settings, "SELECT outcome, error FROM items ORDER BY seq")
    assert outcomes == [("changed", ""), ("pending", "skipped by the operator")]
