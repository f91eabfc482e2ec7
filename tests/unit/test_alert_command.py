"""``ozon-rpa alert test`` against a real receiver on 127.0.0.1, and the doctor's line about alerts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from agent.cli.alerting import alerts_check
from agent.cli.app import app
from agent.core.records import ExitCode
from agent.core.settings import Settings
from tests.alert_receiver import TOKEN, AlertReceiver, closed_port_url


def alert_test(tmp_path: Path, urls: str) -> Result:
    env = {"OZON_RPA_ALERT_URLS": urls, "OZON_RPA_ALERT_TIMEOUT_S": "2", "OZON_RPA_OPERATOR": "anna"}
    return CliRunner().invoke(app, ["--state-dir", str(tmp_path), "alert", "test"], env=env)


def test_alert_test_should_deliver_a_test_message_and_say_where(tmp_path: Path) -> None:
    with AlertReceiver() as receiver:
        result = alert_test(tmp_path, receiver.url())

    assert result.exit_code == ExitCode.OK, result.output
    (alert,) = receiver.alerts
    assert alert["title"] == "ozon-rpa: test alert" and "Sent by anna from" in str(alert["message"])
    assert f"delivered to JSON (127.0.0.1:{receiver.port})" in result.output
    assert TOKEN not in result.output


def test_alert_test_should_exit_1_saying_why_without_the_token_when_it_cannot_deliver(tmp_path: Path) -> None:
    result = alert_test(tmp_path, closed_port_url())

    assert result.exit_code == ExitCode.SOME_FAILED
    assert "not delivered to JSON (127.0.0.1:" in result.output and "Connection error" in result.output
    assert TOKEN not in result.output


def test_alert_test_should_exit_2_when_no_alert_url_is_set_or_one_is_unusable(tmp_path: Path) -> None:
    unset = alert_test(tmp_path, "")
    unusable = alert_test(tmp_path, f"nonsense://{TOKEN}")

    assert unset.exit_code == unusable.exit_code == ExitCode.BAD_INPUT
    assert "OZON_RPA_ALERT_URLS" in unset.output
    assert "alert URL 1 (nonsense://…)" in unusable.output and TOKEN not in unusable.output


def test_doctor_should_say_where_alerts_go_by_service_and_host_only(tmp_path: Path) -> None:
    url = f"json://hooks.example.com/in/{TOKEN} tgram://123456789:{TOKEN}/42"

    name, ok, detail = alerts_check(Settings(alert_urls=url, state_dir=tmp_path, _env_file=None))
    off = alerts_check(Settings(state_dir=tmp_path, _env_file=None))

    assert (name, ok, detail) == ("alerts", True, "2 targets: JSON (hooks.example.com); Telegram")
    assert off[1] is True and "off: set OZON_RPA_ALERT_URLS" in off[2]


def test_doctor_should_fail_its_alerts_line_for_a_url_apprise_cannot_use(tmp_path: Path) -> None:
    _name, ok, detail = alerts_check(Settings(alert_urls=f"json://h.example.com/x nonsense://{TOKEN}",
                                              state_dir=tmp_path, _env_file=None))

    assert not ok and "alert URL 2 (nonsense://…)" in detail and TOKEN not in detail
