"""Delivering alerts to a real HTTP receiver on 127.0.0.1: sent once, retried briefly, never holding a command up.

No timing is asserted: that the command did not wait for a slow receiver is shown by the receiver still holding
the request when :meth:`Dispatcher.close` has returned.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger

from agent.alerts.delivery import Alert, Dispatcher, _send_once
from agent.alerts.targets import load_targets
from agent.core.settings import Settings
from tests.alert_receiver import TOKEN, AlertReceiver, closed_port_url

ALERT = Alert("ozon-rpa: 2 postings need attention", "48173252-0033-2: stuck in status\nReport: /tmp/r.html")


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """The warnings logged meanwhile (loguru, as the CLI's sinks get them)."""
    seen: list[str] = []
    sink = logger.add(lambda message: seen.append(str(message)), level="WARNING", format="{message}")
    yield seen
    logger.remove(sink)


def dispatcher(tmp_path: Path, *urls: str, cap_s: float = 3.0) -> Dispatcher:
    settings = Settings(alert_urls=" ".join(urls), alert_timeout_s=cap_s, state_dir=tmp_path, _env_file=None)
    return Dispatcher(load_targets(settings), cap_s=cap_s, backoff_s=0.05)


def test_an_alert_should_reach_the_receiver_once_with_its_title_and_text(tmp_path: Path) -> None:
    with AlertReceiver() as receiver:
        alerts = dispatcher(tmp_path, receiver.url())
        alerts.send(ALERT)
        alerts.close()

    assert [(a["title"], a["message"], a["type"]) for a in receiver.alerts] == [(ALERT.title, ALERT.body, "info")]
    assert receiver.alerts[0]["path"] == f"/hooks/{TOKEN}"
    assert alerts.sent == [(ALERT.title, f"JSON (127.0.0.1:{receiver.port})")] and not alerts.undelivered


def test_a_failed_send_should_be_retried_and_then_delivered_once(tmp_path: Path) -> None:
    with AlertReceiver(fail_first=1) as receiver:
        alerts = dispatcher(tmp_path, receiver.url())
        alerts.send(ALERT)
        alerts.close()

    assert receiver.requests == 2 and len(receiver.alerts) == 1
    assert not alerts.undelivered


def test_a_receiver_that_is_down_should_be_a_warning_with_the_reason_and_no_token(
    tmp_path: Path, warnings: list[str]
) -> None:
    alerts = dispatcher(tmp_path, closed_port_url())
    delivered: list[bool] = []
    alerts.send(ALERT, on_delivered=lambda: delivered.append(True))
    alerts.close()

    (failure,) = alerts.undelivered
    assert "connection error" in failure.why.lower()
    assert str(failure) in warnings[-1] and ALERT.title in str(failure)
    assert TOKEN not in str(failure) and not any(TOKEN in w for w in warnings)
    assert delivered == [], "nothing was delivered: nothing may be recorded as told"


def test_a_slow_receiver_should_be_given_up_at_the_cap_without_waiting_for_its_answer(
    tmp_path: Path, warnings: list[str]
) -> None:
    with AlertReceiver(hold=True) as receiver:
        alerts = dispatcher(tmp_path, receiver.url(), cap_s=1.0)
        alerts.send(ALERT)
        alerts.close()
        still_waiting = receiver.waiting

    assert still_waiting >= 1, "close() returned while the receiver still held the alert"
    (failure,) = alerts.undelivered
    assert failure.target == f"JSON (127.0.0.1:{receiver.port})"
    assert any("not delivered" in w for w in warnings)


def test_one_try_should_give_up_on_a_slow_service_when_its_time_is_up_whatever_the_services_own_time_out(
    tmp_path: Path
) -> None:
    with AlertReceiver(hold=True) as receiver:
        (target,) = load_targets(Settings(alert_urls=receiver.url(), state_dir=tmp_path, _env_file=None)).targets
        assert target.timeouts["socket_read_timeout"] == 60, "the URL lets a read take a minute"

        delivered, why = _send_once(target, ALERT, time_left=0.5)
        still_waiting = receiver.waiting

    assert not delivered and why
    assert still_waiting >= 1, "the try ended while the receiver still held it"


def test_close_should_stop_waiting_at_the_cap_even_for_an_alert_still_being_worded(tmp_path: Path) -> None:
    with AlertReceiver() as receiver:
        alerts = dispatcher(tmp_path, receiver.url(), cap_s=0.5)
        gate = threading.Event()
        alerts.send(lambda: ALERT if gate.wait(30) else None)
        alerts.close()
        gate.set()

    (failure,) = alerts.undelivered
    assert failure.why == "not sent within 0.5 s; given up" and failure.title == "(not worded yet)"


def test_one_target_down_should_not_keep_the_alert_from_the_other(tmp_path: Path) -> None:
    with AlertReceiver() as receiver:
        alerts = dispatcher(tmp_path, closed_port_url(), receiver.url())
        delivered: list[bool] = []
        alerts.send(ALERT, on_delivered=lambda: delivered.append(True))
        alerts.close()

    assert len(receiver.alerts) == 1 and delivered == [True]
    assert [f.target for f in alerts.undelivered] == [alerts.targets[0].label]


def test_a_wording_function_should_be_called_in_turn_and_may_have_nothing_to_say(tmp_path: Path) -> None:
    with AlertReceiver() as receiver:
        alerts = dispatcher(tmp_path, receiver.url())
        order: list[str] = []
        alerts.send(lambda: order.append("first") or None)
        alerts.send(lambda: order.append("second") or ALERT)
        alerts.close()

    assert order == ["first", "second"]
    assert receiver.titles() == [ALERT.title]


def test_without_targets_nothing_should_even_be_worded(tmp_path: Path) -> None:
    alerts = Dispatcher.for_settings(Settings(state_dir=tmp_path, _env_file=None))
    worded: list[bool] = []
    alerts.send(lambda: worded.append(True) or ALERT)
    alerts.close()

    assert worded == [] and not alerts.sent and not alerts.undelivered


def test_a_url_apprise_cannot_use_should_be_said_at_the_end_even_when_nothing_was_sent(
    tmp_path: Path, warnings: list[str]
) -> None:
    alerts = Dispatcher.for_settings(Settings(alert_urls=f"nonsense://{TOKEN}", state_dir=tmp_path, _env_file=None))
    alerts.close()

    (problem,) = alerts.problems
    assert "alert URL 1 (nonsense://…)" in problem and any(problem in w for w in warnings)
    assert TOKEN not in problem
