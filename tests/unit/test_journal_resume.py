"""The journal's part in a resume: what counts as settled, the write-ahead mark, the duplicate-number question."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest, ChangeResult, Outcome

NEW = "RR473124829GB"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def request(posting: str = "12345678-0001-1", new: str = NEW, **extra: Any) -> ChangeRequest:
    return ChangeRequest(posting_number=posting, new_tracking=new, **extra)


def finish(journal: Journal, run_id: str, seq: int, posting: str, outcome: Outcome, new: str = NEW) -> None:
    journal.finish_item(run_id, seq, ChangeResult(posting_number=posting, outcome=outcome, new_tracking=new,
                                                  old_tracking="LP00000000000001"))


@pytest.mark.parametrize(("outcome", "settled"), [
    (Outcome.CHANGED, True), (Outcome.UNCHANGED, True), (Outcome.REJECTED, True),
    (Outcome.FAILED, False), (Outcome.PENDING, False),
], ids=["changed", "unchanged", "rejected", "failed", "pending"])
def test_a_resume_should_leave_settled_outcomes_alone_and_redo_the_rest(
    journal: Journal, outcome: Outcome, settled: bool
) -> None:
    run = journal.start_run("bulk")
    journal.add_items(run.id, [request()])
    finish(journal, run.id, 0, "12345678-0001-1", outcome)

    assert journal.item(run.id, 0).done is settled


def test_a_pending_row_is_settled_only_when_it_asked_for_pending_and_was_recorded(journal: Journal) -> None:
    run = journal.start_run("bulk")
    journal.add_items(run.id, [request(pending=True, new=""), request(posting="12345678-0002-1")])
    assert [i.done for i in journal.items(run.id)] == [False, False], "not reached yet"

    journal.finish_item(run.id, 0, ChangeResult(posting_number="12345678-0001-1", outcome=Outcome.PENDING))
    journal.finish_item(run.id, 1, ChangeResult(posting_number="12345678-0002-1", outcome=Outcome.PENDING,
                                                new_tracking=NEW))

    assert [i.done for i in journal.items(run.id)] == [True, False], "a skipped change stays to do"


def test_new_rows_should_be_pending_and_not_settled(journal: Journal) -> None:
    run = journal.start_run("bulk")
    journal.add_items(run.id, [request(), request(posting="12345678-0002-1")], start_seq=0)

    items = journal.items(run.id)
    assert [(i.seq, i.outcome, i.done, i.save_started_at) for i in items] == [
        (0, Outcome.PENDING, False, None), (1, Outcome.PENDING, False, None)]


def test_the_write_ahead_mark_should_keep_the_old_number_for_a_resume(journal: Journal) -> None:
    run = journal.start_run("bulk")
    journal.add_items(run.id, [request()])

    journal.mark_save_started(run.id, 0, "LP00000000000001")

    item = journal.item(run.id, 0)
    assert item.save_started_at is not None
    assert item.old_tracking == "LP00000000000001"
    assert item.outcome == Outcome.PENDING and not item.done


def test_attempts_should_be_counted_per_row(journal: Journal) -> None:
    run = journal.start_run("bulk")
    journal.add_items(run.id, [request()])
    journal.record_attempt(run.id, 0, 1, "error", "503")
    journal.record_attempt(run.id, 0, 2, "changed")

    assert journal.item(run.id, 0).attempts == 2


@pytest.mark.parametrize(("outcome", "counts"), [
    (Outcome.CHANGED, True), (Outcome.UNCHANGED, True), (Outcome.FAILED, False), (Outcome.REJECTED, False),
], ids=["changed", "unchanged", "failed", "rejected"])
def test_a_number_counts_as_recorded_on_another_posting_only_once_it_is_there(
    journal: Journal, outcome: Outcome, counts: bool
) -> None:
    run = journal.start_run("change")
    journal.add_items(run.id, [request(posting="12345678-0001-1")])
    finish(journal, run.id, 0, "12345678-0001-1", outcome)

    assert journal.postings_with_tracking(NEW, exclude_posting="12345678-0002-1") == (
        ["12345678-0001-1"] if counts else [])
    assert journal.postings_with_tracking(NEW, exclude_posting="12345678-0001-1") == [], "not its own posting"
    assert journal.postings_with_tracking("RR000000000CN", exclude_posting="12345678-0002-1") == []


def test_a_reopened_run_should_be_running_again(journal: Journal) -> None:
    run = journal.start_run("bulk")
    journal.finish_run(run.id, "aborted", note="anti-bot")

    reopened = journal.reopen_run(run.id)

    assert (reopened.status, reopened.finished_at) == ("running", None)
    with pytest.raises(KeyError):
        journal.run("no-such-run")
