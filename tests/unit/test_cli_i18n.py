"""The command line speaks the operator's language (``OZON_RPA_UI_LANG``): errors, tables, counts, the portal's
first contact and the doctor's checks, while what scripts read (JSON keys, outcome codes, exit codes) stays put.

Commands that stop before any browser, so no sandbox is needed: a portal that cannot be reached is a closed port.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agent.cli.app import app
from agent.core import i18n
from agent.core.records import ExitCode

LANGS = ("zh", "ru")

#: What a person must read, per command and language (and the English it replaces must be gone).
EXPECTED: dict[str, dict[str, list[str]]] = {
    "history": {"zh": ["尚无修改记录"], "ru": ["изменений пока не записано"], "en": ["no changes recorded yet"]},
    "stats": {"zh": ["已处理 0 个货件"], "ru": ["обработано 0 отправлений"], "en": ["0 postings handled"]},
    "bad posting": {"zh": ["错误：", "不是货件号", "它看起来像跟踪号"],
                    "ru": ["ошибка:", "— не номер отправления", "похоже на трек-номер"],
                    "en": ["error:", "is not a posting number", "it looks like a tracking number"]},
    "missing file": {"zh": ["错误：", "找不到文件"], "ru": ["ошибка:", "файл не найден"],
                     "en": ["error:", "file not found"]},
    "unreachable": {"zh": ["无法连接门户", "没有服务在监听", "处理方法："],
                    "ru": ["не удаётся связаться с порталом", "никто не принимает соединения", "Что сделать:"],
                    "en": ["cannot reach the portal", "nothing is listening", "What to do:"]},
    "doctor": {"zh": ["检查项", "浏览器", "设置", "门户", "通过", "失败", "门户语言"],
               "ru": ["проверка", "браузер", "настройки", "портал", "ок", "ОШИБКА", "язык портала"],
               "en": ["check", "browser", "settings", "portal", "ok", "FAIL", "portal language"]},
}


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def english_afterwards() -> Iterator[None]:
    """The language is process-wide and the CLI sets it: English again for the next test."""
    yield
    i18n.set_ui_lang("en")


def run(lang: str, state: Path, *args: str, base_url: str = "http://127.0.0.1:8400") -> Result:
    """``ozon-rpa`` in ``lang`` (as an operator sets it) on its own state folder."""
    env = {"OZON_RPA_UI_LANG": lang, "OZON_RPA_OTP_SOURCE": "sandbox", "OZON_RPA_BASE_URL": base_url}
    return CliRunner().invoke(app, ["--state-dir", str(state), *args], env=env)


def squashed(text: str) -> str:
    """Text without any whitespace: the console wraps long lines (between any two Chinese characters, too)."""
    return "".join(text.split())


def command(case: str, port: int) -> tuple[list[str], str, int]:
    """The arguments, base URL and exit code of each case."""
    closed = f"http://127.0.0.1:{port}"
    return {
        "history": (["history"], closed, ExitCode.OK),
        "stats": (["stats"], closed, ExitCode.OK),
        "bad posting": (["change", "LZ637105337CN", "48173252-0033-2"], closed, ExitCode.BAD_INPUT),
        "missing file": (["demo", "--file", "no-such-file.csv"], closed, ExitCode.BAD_INPUT),
        "unreachable": (["watch", "--once"], closed, ExitCode.ABORTED),
        "doctor": (["doctor", "--no-live"], closed, ExitCode.ABORTED),
    }[case]


@pytest.mark.usefixtures("english_afterwards")
@pytest.mark.parametrize("lang", [*LANGS, "en"])
@pytest.mark.parametrize("case", list(EXPECTED))
def test_the_cli_should_speak_the_operators_language(case: str, lang: str, tmp_path: Path, closed_port: int) -> None:
    args, base_url, code = command(case, closed_port)
    result = run(lang, tmp_path / "state", *args, base_url=base_url)
    assert result.exit_code == code, result.output
    output = squashed(result.output)
    for text in EXPECTED[case][lang]:
        assert squashed(text) in output, f"{text!r} missing in:\n{result.output}"
    if lang != "en":  # the English sentence is gone, not printed beside the translation
        for english in EXPECTED[case]["en"]:
            if len(english) > 8:
                assert squashed(english) not in output, f"{english!r} still in English:\n{result.output}"


@pytest.mark.usefixtures("english_afterwards")
@pytest.mark.parametrize("lang", LANGS)
def test_json_for_scripts_should_keep_its_english_keys_in_every_language(lang: str, tmp_path: Path,
                                                                         closed_port: int) -> None:
    result = run(lang, tmp_path / "state", "doctor", "--no-live", "--json", base_url=f"http://127.0.0.1:{closed_port}")
    checks = json.loads(result.output)
    assert [c["check"] for c in checks] == ["browser", "settings", "alerts", "portal"]
    assert set(checks[0]) == {"check", "ok", "detail"}
    assert "无法连接门户" in checks[-1]["detail"] if lang == "zh" else "не удаётся связаться" in checks[-1]["detail"]
