"""Browser re-sends found in the pool's NetLog land on the posting whose save it was (real SQLite journal).

One browser serves every worker, so its NetLog mixes their requests; the workers' postings overlap in time.
"""

from __future__ import annotations

from pathlib import Path

from agent.bulk.runner import _Resends
from agent.core.browser.netlog import SentRequest
from agent.core.journal import Journal
from agent.core.records import ChangeRequest

SAVE = "http://127.0.0.1:8400/api/postings/{}/tracking"
WARNING = "the save was sent {} times: the connection dropped and the browser re-sent it"


def resends_over_overlapping_workers(tmp_path: Path) -> tuple[Journal, str, _Resends]:
    journal = Journal(tmp_path / "journal.sqlite")
    run = journal.start_run("bulk")
    journal.add_items(run.id, [ChangeRequest(posting_number=f"1-{i}", new_tracking="X") for i in range(4)])
    resends = _Resends(journal, run.id)
    # One worker had rows 0 then 1, the other rows 2 then 3, at the same times.
    for first in (0, 2):
        resends.worked(first, f"1-{first}", 100.0, 110.0)
        resends.worked(first + 1, f"1-{first + 1}", 110.2, 120.0)
    return journal, run.id, resends


def test_a_re_sent_save_should_be_noted_on_the_posting_its_url_names_among_overlapping_workers(tmp_path: Path) -> None:
    journal, run_id, resends = resends_over_overlapping_workers(tmp_path)

    resends.found([SentRequest("POST", SAVE.format("1-1"), 115.0, 3), SentRequest("POST", SAVE.format("1-3"), 115.0, 2),
                   SentRequest("POST", SAVE.format("1-0"), 105.0, 1)])

    warnings = {item.seq: item.warnings for item in journal.items(run_id)}
    assert warnings == {0: [], 1: [WARNING.format(3)], 2: [], 3: [WARNING.format(2)]}, "a request sent once is no news"
    journal.close()


def test_a_posting_number_inside_a_longer_one_should_not_claim_its_save(tmp_path: Path) -> None:
    journal, run_id, resends = resends_over_overlapping_workers(tmp_path)

    assert resends.owner(SentRequest("POST", SAVE.format("1-10"), 115.0, 2)) in (1, 3), "1-1 is not 1-10: by time"
    assert resends.owner(SentRequest("POST", SAVE.format("1-2"), 115.0, 2)) == 2, "named, though not then in hand"
    journal.close()


def test_a_save_url_without_the_posting_should_go_to_the_nearest_posting_in_hand(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    run = journal.start_run("bulk")
    journal.add_items(run.id, [ChangeRequest(posting_number=f"1-{i}", new_tracking="X") for i in range(2)])
    resends = _Resends(journal, run.id)
    resends.worked(0, "1-0", 100.0, 110.0)
    resends.worked(1, "1-1", 110.5, 120.0)

    assert resends.owner(SentRequest("POST", "http://x/api/tracking", 110.1, 2)) == 0, "between two spans: the nearest"
    assert resends.owner(SentRequest("POST", "http://x/api/tracking", 119.0, 2)) == 1
    journal.close()


def test_nothing_in_hand_should_claim_nothing(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    run = journal.start_run("bulk")
    assert _Resends(journal, run.id).owner(SentRequest("POST", SAVE.format("1-1"), 1.0, 2)) is None
    journal.close()
