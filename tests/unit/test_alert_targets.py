"""Alert URLs are secrets: people see a service and a host, logs see ``***``, nothing sees a token."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.alerts.targets import alert_urls, load_targets, secret_parts
from agent.core.redact import redact
from agent.core.settings import Settings

BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
MAIL_PASSWORD = "pa55-w0rd-xyz"
HOOK_TOKEN = "hk-7f3a9c2e1b5d"


def settings_with(urls: str, tmp_path: Path) -> Settings:
    return Settings(alert_urls=urls, state_dir=tmp_path, _env_file=None)


URLS = (f"json://127.0.0.1:8099/hooks/{HOOK_TOKEN} tgram://{BOT_TOKEN}/-100123456, wecombot://{WECOM_KEY} "
        f"mailto://anna.petrova:{MAIL_PASSWORD}@example.com?to=ops@example.com,boss@example.com")


def test_each_target_should_be_shown_by_its_service_and_the_host_the_user_chose_never_a_token(tmp_path: Path) -> None:
    targets = load_targets(settings_with(URLS, tmp_path))

    assert [t.label for t in targets.targets] == ["JSON (127.0.0.1:8099)", "Telegram", "WeCom Bot",
                                                  "E-Mail (example.com:25)"]
    assert not targets.problems
    shown = targets.describe()
    for secret in (HOOK_TOKEN, BOT_TOKEN, BOT_TOKEN.split(":")[1], WECOM_KEY, MAIL_PASSWORD, "anna.petrova"):
        assert secret not in shown


def test_every_secret_part_of_an_alert_url_should_be_masked_in_log_lines(tmp_path: Path) -> None:
    alert_urls(settings_with(URLS, tmp_path))

    for secret in (HOOK_TOKEN, BOT_TOKEN.split(":")[1], WECOM_KEY, MAIL_PASSWORD):
        assert secret not in redact(f"posting to https://api.example/{secret}/send failed"), secret
    assert "127.0.0.1" in redact("the portal at http://127.0.0.1:8400"), "a host name is no secret"


def test_a_bot_token_in_the_host_place_should_count_as_a_secret_and_a_host_name_should_not() -> None:
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" in secret_parts(f"tgram://{BOT_TOKEN}/12345")
    assert "hooks.example.com" not in secret_parts("json://hooks.example.com/x")


def test_urls_should_be_split_on_spaces_and_commas_but_never_inside_a_url(tmp_path: Path) -> None:
    urls = alert_urls(settings_with(URLS, tmp_path))

    assert len(urls) == 4
    assert urls[3].endswith("?to=ops@example.com,boss@example.com")


def test_a_url_apprise_cannot_use_should_be_named_by_its_place_and_scheme_only(tmp_path: Path) -> None:
    targets = load_targets(settings_with(f"json://127.0.0.1:8099/x nonsense://{HOOK_TOKEN}@host/path", tmp_path))

    assert [t.label for t in targets.targets] == ["JSON (127.0.0.1:8099)"]
    (problem,) = targets.problems
    assert "alert URL 2 (nonsense://…)" in problem
    assert HOOK_TOKEN not in problem and "host/path" not in problem


def test_no_alert_urls_should_mean_alerts_are_off(tmp_path: Path) -> None:
    targets = load_targets(Settings(state_dir=tmp_path, _env_file=None))

    assert not targets.configured and not targets.targets


@pytest.mark.parametrize("show", [repr, str, lambda s: s.model_dump_json()], ids=["repr", "str", "json"])
def test_settings_should_never_show_the_alert_urls(tmp_path: Path, show: object) -> None:
    settings = settings_with(URLS, tmp_path)

    assert callable(show)
    assert HOOK_TOKEN not in show(settings) and WECOM_KEY not in show(settings)
