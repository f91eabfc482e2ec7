"""Browser re-sends found in a worker's NetLog land on the posting that worker had in hand (real SQLite journal)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from agent.bulk.runner import _Resends
from agent.core.journal import Journal
from agent.core.netlog import SentRequest
from agent.core.records import ChangeRequest

SAVE = "http://127.0.0.1:8400/api/postings/{}/tracking"


def on_thread(name: str, fn: Callable[[], object]) -> None:
    thread = threading.Thread(target=fn, name=name)
    thread.start()
    thread.join()


def test_a_re_sent_save_should_be_noted_on_its_workers_posting_even_when_workers_overlap(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    run = journal.start_run("bulk")
    journal.add_items(run.id, [ChangeRequest(posting_number=f"1-{i}", new_tracking="X") for i in range(4)])
    resends = _Resends(journal, run.id)
    # worker-1 had rows 0 then 1; worker-2 had rows 2 then 3, at the same times.
    def spans(first: int) -> Callable[[], None]:
        def work() -> None:
            resends.worked(first, 100.0, 110.0)
            resends.worked(first + 1, 110.2, 120.0)
        return work

    on_thread("worker-1", spans(0))
    on_thread("worker-2", spans(2))

    on_thread("worker-1", lambda: resends.found([SentRequest("POST", SAVE.format("1-1"), 115.0, 3),
                                                 SentRequest("POST", SAVE.format("1-0"), 105.0, 1)]))
    on_thread("worker-2", lambda: resends.found([SentRequest("POST", SAVE.format("1-2"), 110.1, 2)]))

    warnings = {item.seq: item.warnings for item in journal.items(run.id)}
    assert warnings[1] == ["the save was sent 3 times: the connection dropped and the browser re-sent it"]
    assert warnings[2] == ["the save was sent 2 times: the connection dropped and the browser re-sent it"], \
        "between two spans, the nearest one"
    assert warnings[0] == [] and warnings[3] == [], "a request sent once is not news"
    journal.close()
