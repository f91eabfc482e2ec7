"""Reading Chromium's NetLog: one entry per request, with how many times the browser sent it."""

from __future__ import annotations

import json
from pathlib import Path

from agent.core.browser.netlog import netlog_args, read_requests

START_JOB, SEND, OTHER = 2, 3, 4
CONSTANTS = {"logEventTypes": {"URL_REQUEST_START_JOB": START_JOB, "HTTP_TRANSACTION_SEND_REQUEST": SEND,
                               "HTTP_TRANSACTION_RESTART_AFTER_ERROR": OTHER},
             "logEventPhase": {"PHASE_BEGIN": 1, "PHASE_END": 2, "PHASE_NONE": 0},
             "timeTickOffset": "1700000000000"}
SAVE = "http://127.0.0.1:8400/api/postings/1-1/tracking"


def event(source: int, kind: int, phase: int, time: int, **params: str) -> str:
    data = {"params": params, "phase": phase, "source": {"id": source, "type": 1}, "time": str(time), "type": kind}
    if not params:
        del data["params"]
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def write_netlog(path: Path, events: list[str], *, complete: bool) -> Path:
    lines = ['{"constants":' + json.dumps(CONSTANTS) + ",", '"events": [', *[e + "," for e in events]]
    if complete:
        lines[-1] = lines[-1].rstrip(",") + "],"
        lines += ['"polledData": {}', "}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def is_save(method: str, url: str) -> bool:
    return method == "POST" and url.endswith("/tracking")


def test_a_request_restarted_after_an_error_should_count_every_send(tmp_path: Path) -> None:
    events = [event(7, START_JOB, 1, 1000, method="POST", url=SAVE),
              event(7, SEND, 1, 1001), event(7, SEND, 2, 1002), event(7, OTHER, 0, 1003),
              event(7, SEND, 1, 1004), event(7, SEND, 2, 1005),
              event(9, START_JOB, 1, 2000, method="GET", url="http://127.0.0.1:8400/api/postings/1-1"),
              event(9, SEND, 1, 2001)]
    requests = read_requests(write_netlog(tmp_path / "n.json", events, complete=True), is_save)
    assert [(r.method, r.url, r.sends) for r in requests] == [("POST", SAVE, 2)]
    assert requests[0].started == 1_700_000_001.0, "wall-clock seconds from the log's clock offset"


def test_a_log_still_being_written_should_be_read_up_to_its_last_whole_line(tmp_path: Path) -> None:
    events = [event(7, START_JOB, 1, 1000, method="POST", url=SAVE), event(7, SEND, 1, 1001),
              event(8, START_JOB, 1, 1500, method="POST", url=SAVE), event(8, SEND, 1, 1501)]
    path = write_netlog(tmp_path / "n.json", events, complete=False)
    path.write_text(path.read_text(encoding="utf-8") + event(8, SEND, 1, 1600)[:25], encoding="utf-8")
    assert [r.sends for r in read_requests(path, is_save)] == [1, 1]


def test_a_missing_or_unreadable_log_should_give_no_requests(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("not a netlog", encoding="utf-8")
    assert read_requests(tmp_path / "missing.json", is_save) == []
    assert read_requests(tmp_path / "bad.json", is_save) == []


def test_netlog_args_should_name_the_file_and_leave_bodies_and_cookies_out(tmp_path: Path) -> None:
    assert netlog_args(tmp_path / "n.json") == [f"--log-net-log={tmp_path / 'n.json'}",
                                                 "--net-log-capture-mode=Default"]


def test_the_last_event_of_a_complete_log_should_count_too(tmp_path: Path) -> None:
    # Chromium closes the event list on the last event's line ("...}],"): the re-send's second send may be there.
    events = [event(7, START_JOB, 1, 1000, method="POST", url=SAVE), event(7, SEND, 1, 1001), event(7, SEND, 1, 1004)]
    assert [r.sends for r in read_requests(write_netlog(tmp_path / "n.json", events, complete=True), is_save)] == [2]


def test_a_log_with_bytes_that_are_not_utf8_or_a_broken_line_should_still_be_read_past_them(tmp_path: Path) -> None:
    cut = event(7, SEND, 1, 1001)
    events = [event(7, START_JOB, 1, 1000, method="POST", url=SAVE), cut,
              event(8, START_JOB, 1, 1002, method="GET", url="http://x/NAME"), event(7, SEND, 1, 1003)]
    path = write_netlog(tmp_path / "n.json", events, complete=True)
    raw = path.read_bytes().replace(b"NAME", b"\xff\xfe")  # a URL's bytes as they came, not UTF-8
    path.write_bytes(raw.replace(cut.encode(), cut.encode()[-30:]))  # a line cut in the middle of the log
    assert [r.sends for r in read_requests(path, is_save)] == [1], "the cut send is lost, the one after it is not"


def test_the_phases_and_the_clock_should_be_read_from_the_log_s_own_constants(tmp_path: Path) -> None:
    own = {"logEventTypes": CONSTANTS["logEventTypes"], "logEventPhase": {"PHASE_BEGIN": 5, "PHASE_END": 6,
                                                                          "PHASE_NONE": 4}}
    events = [event(7, START_JOB, 5, 1000, method="POST", url=SAVE), event(7, SEND, 5, 1001), event(7, SEND, 6, 1002),
              event(7, SEND, 5, 1003), event(9, START_JOB, 1, 1500, method="POST", url=SAVE)]
    path = tmp_path / "n.json"
    path.write_text("\n".join(['{"constants":' + json.dumps(own) + ",", '"events": [', *[e + "," for e in events]]),
                    encoding="utf-8")
    requests = read_requests(path, is_save)
    assert [(r.sends, r.started) for r in requests] == [(2, 1.0)], "no clock offset: the log's own ticks"


def test_a_log_missing_optional_tables_should_give_what_it_can_and_never_fail(tmp_path: Path) -> None:
    path = tmp_path / "n.json"
    bare = {"logEventTypes": CONSTANTS["logEventTypes"]}  # no phase table (begin is 1), no clock offset
    events = [event(6, START_JOB, 1, 900), event(7, START_JOB, 1, 1000, method="POST", url=SAVE),
              event(7, SEND, 1, 1001), event(7, SEND, 1, 1003)]
    path.write_text("\n".join(['{"constants":' + json.dumps(bare) + ",", '"events": [', *[e + "," for e in events]]),
                    encoding="utf-8")
    assert [(r.sends, r.started) for r in read_requests(path, is_save)] == [(2, 1.0)]
    path.write_text('{"constants":{"logEventPhase":{"PHASE_BEGIN":1}},\n"events": [\n' + events[1] + ",\n",
                    encoding="utf-8")
    assert read_requests(path, is_save) == [], "no event types: nothing to count"
