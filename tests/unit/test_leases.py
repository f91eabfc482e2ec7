"""Leases: one live run per plan and per posting, provably gone when its process ended (real SQLite, real flock)."""

from __future__ import annotations

import os
import socket
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from agent.core.errors import RunInProgress
from agent.core.journal.leases import Lease

P1, P2, P3 = "48173252-0033-2", "48173252-0034-1", "48173252-0035-1"


@pytest.fixture
def where(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "locks", tmp_path / "journal.sqlite"


def lease(where: tuple[Path, Path], holder: str, *, plan: str = "", postings: tuple[str, ...] = (),
          kind: str = "bulk") -> Lease:
    return Lease(where[0], where[1], holder, kind, plan_hash=plan, postings=postings)


def test_a_second_run_of_the_same_plan_should_be_refused_naming_the_first(where: tuple[Path, Path]) -> None:
    with lease(where, "run-a", plan="h1", postings=(P1,)):
        with pytest.raises(RunInProgress) as refused:
            lease(where, "run-b", plan="h1", postings=(P3,)).acquire()
    message = str(refused.value)
    assert "this plan" in message and "run run-a" in message
    assert f"host {socket.gethostname()}" in message and f"pid {os.getpid()}" in message


def test_a_run_sharing_a_posting_should_be_refused_and_one_sharing_nothing_allowed(where: tuple[Path, Path]) -> None:
    with lease(where, "run-a", plan="h1", postings=(P1, P2)):
        with pytest.raises(RunInProgress, match=f"posting {P2}"):
            lease(where, "change-x", postings=(P2,), kind="change").acquire()
        with lease(where, "run-c", plan="h2", postings=(P3,)):
            pass


def test_the_same_run_resumed_twice_at_once_should_be_refused(where: tuple[Path, Path]) -> None:
    with lease(where, "run-a", plan="h1", postings=(P1,)), pytest.raises(RunInProgress, match="this run"):
        lease(where, "run-a", plan="h1", postings=(P1,)).acquire()


def test_a_released_lease_should_let_the_next_run_start(where: tuple[Path, Path]) -> None:
    with lease(where, "run-a", plan="h1", postings=(P1,)):
        pass
    with lease(where, "run-b", plan="h1", postings=(P1,)):
        pass
    with sqlite3.connect(where[1]) as db:
        assert db.execute("SELECT COUNT(*) FROM leases").fetchone() == (0,)


def test_a_lease_left_by_a_killed_process_should_be_taken_over(where: tuple[Path, Path]) -> None:
    locks, journal = where
    code = ("import os, sys; from pathlib import Path; from agent.core.journal.leases import Lease; "
            f"Lease(Path({str(locks)!r}), Path({str(journal)!r}), 'run-dead', 'bulk', plan_hash='h1', "
            f"postings=[{P1!r}]).acquire(); os._exit(0)")  # exits holding it: no release, like kill -9
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
    with sqlite3.connect(journal) as db:
        assert db.execute("SELECT DISTINCT holder FROM leases").fetchall() == [("run-dead",)]

    with lease(where, "run-b", plan="h1", postings=(P1,)):
        with sqlite3.connect(journal) as db:
            assert db.execute("SELECT DISTINCT holder FROM leases").fetchall() == [("run-b",)]


def test_a_holder_on_another_host_should_count_as_alive(where: tuple[Path, Path]) -> None:
    with lease(where, "run-a", plan="h1", postings=(P1,)):
        pass
    with sqlite3.connect(where[1]) as db:
        db.execute("INSERT INTO leases (holder, kind, plan_hash, posting_number, host, pid, at)"
                   " VALUES ('run-far', 'bulk', 'h1', '', 'elsewhere', 1, 'now')")
    with pytest.raises(RunInProgress, match="host elsewhere, pid 1"):
        lease(where, "run-b", plan="h1").acquire()


def refusal(what: str, who: str) -> str:
    return (f"{what} is being applied by {who}; not starting a second one. Wait for it to end (or stop it: Ctrl-C "
            "leaves it resumable); once its process has ended this command can run")


def test_each_refusal_should_say_what_is_held_and_by_whom_word_for_word(where: tuple[Path, Path]) -> None:
    here = f"host {socket.gethostname()}, pid {os.getpid()}"
    with lease(where, "run-a", plan="h1", postings=(P1,)):
        with pytest.raises(RunInProgress) as plan:
            lease(where, "run-b", plan="h1").acquire()
        with pytest.raises(RunInProgress) as posting:
            lease(where, "run-c", plan="h2", postings=(P1,)).acquire()
        with pytest.raises(RunInProgress) as same:
            lease(where, "run-a", plan="h1", postings=(P1,)).acquire()
    with Lease(where[0], where[1], "change-p2", "change", postings=[P2]):
        with pytest.raises(RunInProgress) as change:
            lease(where, "run-d", plan="h3", postings=(P2,)).acquire()
    assert str(plan.value) == refusal("this plan", f"run run-a on {here}")
    assert str(posting.value) == refusal(f"posting {P1}", f"run run-a on {here}")
    assert str(same.value) == refusal("this run", f"run run-a on {here}"), "the live holder, with its pid"
    assert str(change.value) == refusal(f"posting {P2}", f"`ozon-rpa change` (change-p2) on {here}")


def test_a_run_whose_lock_is_taken_before_it_claimed_anything_should_still_be_refused(where: tuple[Path, Path]) -> None:
    where[0].mkdir(parents=True)
    taken = FileLock(where[0] / "run-a.lock")
    with taken:  # another process between taking the run's lock and writing its claim
        with pytest.raises(RunInProgress) as refused:
            lease(where, "run-a", plan="h1").acquire()
    assert str(refused.value) == refusal("this run", f"run run-a on host {socket.gethostname()}, pid 0")


def test_two_changes_of_different_postings_should_run_at_once(where: tuple[Path, Path]) -> None:
    # What `ozon-rpa change` takes: a lease on its posting alone, no plan.
    with Lease(where[0], where[1], "change-1", "change", postings=[P1]), \
            Lease(where[0], where[1], "change-2", "change", postings=[P2]):
        pass


def test_a_holder_whose_lock_file_is_gone_should_count_as_ended(where: tuple[Path, Path]) -> None:
    with lease(where, "run-a", plan="h1"):
        pass
    with sqlite3.connect(where[1]) as db:  # rows left behind, no lock file: nothing holds it
        db.execute("INSERT INTO leases (holder, kind, plan_hash, posting_number, host, pid, at)"
                   " VALUES ('run-gone', 'bulk', 'h1', '', ?, 1, 'now')", (socket.gethostname(),))
    with lease(where, "run-b", plan="h1"):
        pass


def test_a_released_lease_should_leave_no_lock_file_and_let_the_same_run_resume_in_this_process(
    where: tuple[Path, Path],
) -> None:
    first = lease(where, "run-a", plan="h1").acquire()
    assert stat.S_IMODE((where[0] / "run-a.lock").stat().st_mode) == 0o600
    first.release()
    first.release()  # twice: nothing more to do
    lease(where, "never-taken", plan="h9").release()
    assert not (where[0] / "run-a.lock").exists()
    with lease(where, "run-a", plan="h1"):
        pass


def test_a_lease_should_make_its_locks_folder_where_none_is_yet(tmp_path: Path) -> None:
    with Lease(tmp_path / "state" / "locks", tmp_path / "journal.sqlite", "run-a", "bulk", plan_hash="h1"):
        assert (tmp_path / "state" / "locks" / "run-a.lock").exists()
