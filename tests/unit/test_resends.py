"""Browser re-sends found in the pool's NetLog land on the posting whose save it was (real SQLite journal).

One browser serves every worker, so its NetLog mixes their requests; the workers' postings overlap in time, and a
portal's save URL need not name the posting. Each worker's context says which saves its page sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.bulk.resends import ResendCount, SeenSave, _Span, browser_start, pair_saves
from agent.core.browser.netlog import SentRequest
from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest
from scenarios.change_job import is_save_request

SAVE = "http://127.0.0.1:8400/api/postings/{}/tracking"
SHARED = "http://127.0.0.1:8400/api/postings/tracking"  # a portal that names the posting in the body
WARNING = "the save was sent {} times: the connection dropped and the browser re-sent it"


class Context:
    """A browser context's request events, as a worker's context emits them (``on``, ``remove_listener``)."""

    def __init__(self) -> None:
        self.listeners: list[Callable[[Any], None]] = []

    def on(self, event: str, listener: Callable[[Any], None]) -> None:
        assert event == "request"
        self.listeners.append(listener)

    def remove_listener(self, event: str, listener: Callable[[Any], None]) -> None:
        self.listeners.remove(listener)

    def send(self, method: str, url: str, started_ms: float = 0) -> None:
        """A request event; ``started_ms``: the browser's start time (``Request.timing``), 0 while unanswered."""
        request = type("Request", (), {"method": method, "url": url, "timing": {"startTime": started_ms}})()
        for listener in list(self.listeners):
            listener(request)


def run_with_postings(tmp_path: Path, n: int) -> tuple[Journal, str, ResendCount]:
    journal = Journal(tmp_path / "journal.sqlite")
    run = journal.start_run("bulk")
    journal.add_items(run.id, [ChangeRequest(posting_number=f"1-{i}", new_tracking="X") for i in range(n)])
    return journal, run.id, ResendCount(journal, run.id, is_save_request)


def warnings_of(journal: Journal, run_id: str) -> dict[int, list[str]]:
    return {item.seq: item.warnings for item in journal.items(run_id)}


def seen(seq: int, url: str, at: float) -> SeenSave:
    return SeenSave(seq, "POST", url, at)


def test_a_re_sent_save_should_land_on_the_worker_that_sent_it_when_workers_overlap_on_one_save_url(
    tmp_path: Path,
) -> None:
    journal, run_id, resends = run_with_postings(tmp_path, 4)
    one, two = Context(), Context()
    # Two workers, postings 0 and 1 in hand at once, then 2 and 3; every save goes to the same URL. The browser
    # started them at these times (ms); their events reached us in another order (a worker busy painting a picture).
    with resends.watching(0, "1-0", one), resends.watching(1, "1-1", two):
        one.send("GET", "http://127.0.0.1:8400/api/postings/1-0", 1_000)  # a read: not a save
        two.send("POST", SHARED, 2_040)
        one.send("POST", SHARED, 2_000)
    with resends.watching(2, "1-2", one), resends.watching(3, "1-3", two):
        two.send("POST", SHARED, 5_000)
        one.send("POST", SHARED)  # never answered: only when its event came is known
    one.send("POST", SHARED, 9_000)  # after the posting: nobody's
    assert one.listeners == [] and two.listeners == [], "listeners go with the posting"
    # The log's clock runs a few ms after the browser's start; row 2's save is the last one the log holds.
    log = [SentRequest("POST", SHARED, 2.003, 1), SentRequest("POST", SHARED, 2.044, 3),
           SentRequest("POST", SHARED, 5.002, 2), SentRequest("POST", SHARED, time.time(), 1)]

    resends.found(log)

    assert warnings_of(journal, run_id) == {0: [], 1: [WARNING.format(3)], 2: [], 3: [WARNING.format(2)]}
    assert resends.note == "" and resends.resent == {1: 3, 3: 2}
    assert resends.summary() == ["the browser re-sent the saves of 2 postings: see the warning on their rows"]
    journal.close()


def test_a_save_s_start_should_be_the_browser_s_own_once_answered() -> None:
    assert browser_start(type("Request", (), {"timing": {"startTime": 1_700_000_000_250.0}})()) == 1_700_000_000.25
    assert browser_start(type("Request", (), {"timing": {"startTime": 0}})()) is None, "no answer yet"
    assert browser_start(object()) is None


def test_a_save_whose_browser_start_is_known_should_take_the_logged_save_of_that_moment_whatever_the_order() -> None:
    # Row 2's save started first and was never answered (re-sent, dropped again): only when its event reached us
    # is known, after the two answered saves of rows 0 and 1 had started.
    logged = [SentRequest("POST", SHARED, 9.990, 2), SentRequest("POST", SHARED, 10.0005, 1),
              SentRequest("POST", SHARED, 10.1005, 1)]
    saves = [SeenSave(0, "POST", SHARED, 10.0, exact=True), SeenSave(1, "POST", SHARED, 10.1, exact=True),
             SeenSave(2, "POST", SHARED, 10.2)]
    pairs, unseen, unlogged = pair_saves(logged, saves)
    assert sorted((s.seq, r.sends) for r, s in pairs) == [(0, 1), (1, 1), (2, 2)]
    assert unseen == [] and unlogged == []


def test_pairing_should_follow_the_order_of_sending_within_one_url_and_keep_urls_apart() -> None:
    a, b = SAVE.format("1-0"), SAVE.format("1-1")
    logged = [SentRequest("POST", a, 10.5, 2), SentRequest("POST", b, 10.6, 1), SentRequest("POST", a, 20.5, 1)]
    saves = [seen(0, a, 10.0), seen(1, b, 10.0), seen(0, a, 20.0)]
    pairs, unseen, unlogged = pair_saves(logged, saves)
    assert [(r.sends, s.seq, s.at) for r, s in pairs] == [(2, 0, 10.0), (1, 0, 20.0), (1, 1, 10.0)]
    assert unseen == [] and unlogged == []


def test_pairing_should_take_the_nearest_in_time_when_the_lists_differ() -> None:
    logged = [SentRequest("POST", SHARED, 15.1, 2)]
    saves = [seen(0, SHARED, 10.0), seen(1, SHARED, 15.0), seen(2, SHARED, 20.0)]
    pairs, unseen, unlogged = pair_saves(logged, saves)
    assert [(r.sends, s.seq) for r, s in pairs] == [(2, 1)]
    assert [s.seq for s in unlogged] == [0, 2] and unseen == []


def test_a_save_missing_from_the_log_should_make_the_run_say_its_count_is_not_known(tmp_path: Path) -> None:
    journal, run_id, resends = run_with_postings(tmp_path, 2)
    context = Context()
    for seq in (0, 1):
        with resends.watching(seq, f"1-{seq}", context):
            context.send("POST", SAVE.format(f"1-{seq}"))

    resends.found([])  # the log was not written where we read it, or was cut short

    assert warnings_of(journal, run_id) == {0: [], 1: []}
    assert resends.note == ("the browser's network log lacks 2 of 2 saves (postings 1-0, 1-1): whether they were "
                            "re-sent is not known")
    assert resends.summary() == [resends.note]
    journal.close()


@pytest.mark.parametrize(("remote", "why"), [(True, "with a remote browser (OZON_RPA_BROWSER_ENDPOINT)"),
                                             (False, "(OZON_RPA_COUNT_RESENDS=false)")], ids=["remote", "off"])
def test_a_run_without_a_netlog_should_say_once_that_re_sends_are_not_counted(tmp_path: Path, remote: bool,
                                                                             why: str) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    run = journal.start_run("bulk")
    journal.add_items(run.id, [ChangeRequest(posting_number="1-0", new_tracking="X")])
    resends = ResendCount(journal, run.id, is_save_request, remote=remote)
    context = Context()
    with resends.watching(0, "1-0", context):
        context.send("POST", SAVE.format("1-0"))

    resends.found(None)

    assert resends.note == f"re-sent saves are not counted {why}: a save the browser sent twice is not noted on its row"
    assert resends.summary() == [resends.note]
    journal.close()


def test_a_run_that_saved_nothing_should_say_nothing_of_re_sends(tmp_path: Path) -> None:
    journal, _run_id, resends = run_with_postings(tmp_path, 1)
    with resends.watching(0, "1-0", Context()):
        pass
    resends.found(None)
    assert resends.note == "" and resends.summary() == []
    journal.close()


def overlapping_spans(tmp_path: Path) -> tuple[Journal, str, ResendCount]:
    """Two workers: one had rows 0 then 1, the other rows 2 then 3, at the same times; no save was seen."""
    journal, run_id, resends = run_with_postings(tmp_path, 4)
    for seq, (start, end) in enumerate([(100.0, 110.0), (110.2, 120.0), (100.0, 110.0), (110.2, 120.0)]):
        resends._spans.append(_Span(start, end, seq, f"1-{seq}"))
    return journal, run_id, resends


def test_a_logged_save_no_worker_saw_should_go_to_the_posting_its_url_names(tmp_path: Path) -> None:
    journal, run_id, resends = overlapping_spans(tmp_path)

    resends.found([SentRequest("POST", SAVE.format("1-1"), 115.0, 3), SentRequest("POST", SAVE.format("1-3"), 115.0, 2),
                   SentRequest("POST", SAVE.format("1-0"), 105.0, 1)])

    assert warnings_of(journal, run_id) == {0: [], 1: [WARNING.format(3)], 2: [], 3: [WARNING.format(2)]}
    journal.close()


def test_a_posting_number_inside_a_longer_one_should_not_claim_its_save(tmp_path: Path) -> None:
    journal, _run_id, resends = overlapping_spans(tmp_path)
    assert resends.owner(SentRequest("POST", SAVE.format("1-10"), 115.0, 2)) in (1, 3), "1-1 is not 1-10: by time"
    assert resends.owner(SentRequest("POST", SAVE.format("1-2"), 115.0, 2)) == 2, "named, though not then in hand"
    journal.close()


def test_a_logged_save_url_without_the_posting_should_go_to_the_nearest_posting_in_hand(tmp_path: Path) -> None:
    journal, _run_id, resends = run_with_postings(tmp_path, 2)
    resends._spans += [_Span(100.0, 110.0, 0, "1-0"), _Span(110.5, 120.0, 1, "1-1")]
    assert resends.owner(SentRequest("POST", "http://x/api/tracking", 110.1, 2)) == 0, "between two spans: the nearest"
    assert resends.owner(SentRequest("POST", "http://x/api/tracking", 119.0, 2)) == 1
    journal.close()


def test_nothing_in_hand_should_claim_nothing(tmp_path: Path) -> None:
    journal, _run_id, resends = run_with_postings(tmp_path, 1)
    assert resends.owner(SentRequest("POST", SAVE.format("1-1"), 1.0, 2)) is None
    journal.close()


def test_saves_the_log_lacks_should_stay_unpaired_even_when_their_start_is_known() -> None:
    logged = [SentRequest("POST", SHARED, 10.0005, 2)]
    saves = [SeenSave(0, "POST", SHARED, 10.0, exact=True), SeenSave(1, "POST", SHARED, 20.0, exact=True)]
    pairs, unseen, unlogged = pair_saves(logged, saves)
    assert [(s.seq, r.sends) for r, s in pairs] == [(0, 2)]
    assert unseen == [] and [s.seq for s in unlogged] == [1]


def test_saves_whose_start_is_not_known_should_pair_in_the_order_they_were_sent_not_by_nearness() -> None:
    # Both events reached us late (a busy worker): row 0's save started first, as the log's first entry says.
    logged = [SentRequest("POST", SHARED, 10.000, 2), SentRequest("POST", SHARED, 10.030, 1)]
    saves = [SeenSave(0, "POST", SHARED, 10.045), SeenSave(1, "POST", SHARED, 10.050)]
    pairs, _unseen, _unlogged = pair_saves(logged, saves)
    assert sorted((s.seq, r.sends) for r, s in pairs) == [(0, 2), (1, 1)]


def test_every_logged_save_no_worker_saw_should_be_handed_on_to_its_owner(tmp_path: Path) -> None:
    journal, run_id, resends = run_with_postings(tmp_path, 2)
    resends._spans += [_Span(100.0, 110.0, 0, "1-0"), _Span(111.0, 120.0, 1, "1-1")]

    resends.found([SentRequest("POST", SHARED, 105.0, 2), SentRequest("POST", SHARED, 115.0, 3)])

    assert warnings_of(journal, run_id) == {0: [WARNING.format(2)], 1: [WARNING.format(3)]}
    journal.close()


@pytest.mark.parametrize(("at", "row"), [(110.6, 1), (110.9, 1), (110.1, 0)],
                         ids=["inside", "just before", "just after"])
def test_a_logged_save_in_a_posting_s_time_should_go_to_it_before_a_posting_just_ended(tmp_path: Path, at: float,
                                                                                       row: int) -> None:
    journal, _run_id, resends = run_with_postings(tmp_path, 2)
    resends._spans += [_Span(100.0, 110.0, 0, "1-0"), _Span(110.5 if at != 110.9 else 111.0, 120.0, 1, "1-1")]
    assert resends.owner(SentRequest("POST", "http://x/api/tracking", at, 2)) == row
    journal.close()


def test_the_browser_s_own_start_should_decide_the_pairing_in_a_real_count(tmp_path: Path) -> None:
    journal, run_id, resends = run_with_postings(tmp_path, 3)
    context = Context()
    now = time.time()
    # Row 2's save started first and was never answered; rows 0 and 1 were answered. Only when row 2's event
    # came is known: after the others.
    with resends.watching(0, "1-0", context):
        context.send("POST", SHARED, (now - 5) * 1000)
    with resends.watching(1, "1-1", context):
        context.send("POST", SHARED, (now - 4) * 1000)
    with resends.watching(2, "1-2", context):
        context.send("POST", SHARED)

    resends.found([SentRequest("POST", SHARED, now - 6, 2), SentRequest("POST", SHARED, now - 5 + 0.001, 1),
                   SentRequest("POST", SHARED, now - 4 + 0.001, 1)])

    assert warnings_of(journal, run_id) == {0: [], 1: [], 2: [WARNING.format(2)]}
    journal.close()


def test_a_posting_whose_saves_were_re_sent_twice_should_say_how_many_sends_in_all(tmp_path: Path) -> None:
    journal, run_id, resends = run_with_postings(tmp_path, 2)
    context = Context()
    with resends.watching(0, "1-0", context):
        context.send("POST", SAVE.format("1-0"), 1_000)
        context.send("POST", SAVE.format("1-0"), 5_000)
    resends._spans.append(_Span(20.0, 30.0, 1, "1-1"))

    resends.found([SentRequest("POST", SAVE.format("1-0"), 1.001, 2), SentRequest("POST", SAVE.format("1-0"), 5.001, 3),
                   SentRequest("POST", SAVE.format("1-1"), 21.0, 2), SentRequest("POST", SAVE.format("1-1"), 25.0, 2)])

    assert warnings_of(journal, run_id) == {0: [WARNING.format(5)], 1: [WARNING.format(4)]}
    journal.close()


def test_one_posting_should_be_said_in_the_singular_and_a_long_list_cut_short(tmp_path: Path) -> None:
    journal, _run_id, resends = run_with_postings(tmp_path, 12)
    context = Context()
    with resends.watching(0, "1-0", context):
        context.send("POST", SAVE.format("1-0"), 1_000)
    resends.found([SentRequest("POST", SAVE.format("1-0"), 1.001, 2)])
    assert resends.summary() == ["the browser re-sent the save of 1 posting: see the warning on its row"]

    for seq in range(1, 12):
        with resends.watching(seq, f"1-{seq}", context):
            context.send("POST", SAVE.format(f"1-{seq}"))
    resends.found([SentRequest("POST", SAVE.format("1-0"), 1.001, 2)])
    shown = ", ".join(f"1-{seq}" for seq in range(1, 11))
    assert resends.note == (f"the browser's network log lacks 11 of 12 saves (postings {shown}, ...): whether they "
                            "were re-sent is not known")

    ten = ResendCount(journal, "run", is_save_request)
    for seq in range(10):
        with ten.watching(seq, f"1-{seq}", context):
            context.send("POST", SAVE.format(f"1-{seq}"))
    ten.found([])
    assert ten.note.endswith(f"(postings {', '.join(f'1-{seq}' for seq in range(10))}): whether they were re-sent is "
                             "not known"), "ten fit: nothing cut"

    single = ResendCount(journal, "run", is_save_request)
    with single.watching(0, "1-0", context):
        context.send("POST", SAVE.format("1-0"))
    single.found([])
    assert single.note == ("the browser's network log lacks 1 of 1 saves (postings 1-0): whether it was re-sent is not "
                           "known")
    journal.close()
