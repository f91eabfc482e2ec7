"""``ozon-rpa setup`` on a seller's computer: a browser (found, or downloaded with Playwright's installer, or what to
install on this OS), fonts for Chinese, a private state folder and a commented ``.env`` that is never replaced
without being asked to. The browser of this machine is the real one; only the download is stood in for."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agent.cli.app import app
from agent.core import i18n
from agent.core.browser.choice import BrowserChoice
from agent.core.browser.setup import INSTALL_COMMAND, install_instructions
from agent.core.errors import ConfigError
from agent.core.settings import Settings


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty folder a seller works in, and no OZON_RPA_* of the test run's own."""
    for name in [n for n in os.environ if n.startswith("OZON_RPA_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    i18n.set_ui_lang("en")


def setup(*args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(app, ["--ui-lang", lang, "setup", *args], env={"COLUMNS": "200"})


def test_setup_should_write_a_commented_env_that_the_settings_read_back(folder: Path) -> None:
    done = setup(lang="zh")

    assert done.exit_code == 0, done.output
    assert "准备就绪" in done.output and "ozon-rpa demo" in done.output
    text = (folder / ".env").read_text(encoding="utf-8")
    assert "# 门户地址" in text and "OZON_RPA_UI_LANG=zh" in text
    assert "# OZON_RPA_BASE_URL=https://seller.ozon.ru" in text
    assert oct((folder / ".env").stat().st_mode)[-3:] == "600"
    read = Settings()
    assert (read.ui_language, read.lang, read.otp_source) == ("zh", "zh", "prompt")
    assert read.state_dir == (folder / ".ozon-rpa").resolve() and read.state_dir.is_dir()
    assert oct(read.state_dir.stat().st_mode)[-3:] == "700"


def test_an_existing_env_should_be_kept_unless_forced(folder: Path) -> None:
    (folder / ".env").write_text("OZON_RPA_OPERATOR=mine\n", encoding="utf-8")

    kept = setup()

    assert kept.exit_code == 0, kept.output
    assert "kept as it is" in kept.output and "--force" in kept.output
    assert (folder / ".env").read_text(encoding="utf-8") == "OZON_RPA_OPERATOR=mine\n"
    replaced = setup("--force")
    assert replaced.exit_code == 0 and "OZON_RPA_BASE_URL=" in (folder / ".env").read_text(encoding="utf-8")


def test_without_a_browser_setup_should_download_chromium_with_playwrights_installer(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed: list[Sequence[str]] = []
    chromium = BrowserChoice(folder / "chrome", "playwright")

    def choose(settings: Settings) -> BrowserChoice:
        if not installed:
            raise ConfigError("No Chromium found")
        return chromium

    def download(command: Sequence[str]) -> bool:
        installed.append(command)
        return True

    monkeypatch.setattr("agent.core.browser.setup.choose_browser", choose)
    monkeypatch.setattr("agent.core.browser.setup.run_installer", download)

    done = setup()

    assert done.exit_code == 0, done.output
    assert installed == [INSTALL_COMMAND] and INSTALL_COMMAND[1:] == ("-m", "playwright", "install", "chromium")
    assert "downloaded now" in done.output


def test_without_a_browser_or_the_internet_setup_should_say_what_to_install_and_exit_1(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def nothing(settings: Settings) -> BrowserChoice:
        raise ConfigError("No Chromium found")

    monkeypatch.setattr("agent.core.browser.setup.choose_browser", nothing)
    monkeypatch.setattr("agent.core.browser.setup.run_installer", lambda command: False)

    done = setup()

    assert done.exit_code == 1, done.output
    assert "none could be downloaded" in done.output and "Not ready yet" in done.output
    assert (folder / ".env").exists(), "the rest of the set-up is done all the same"
    assert setup("--no-download").exit_code == 1


def test_without_chinese_fonts_a_chinese_speaking_seller_should_be_told_how_to_get_them(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agent.cli.machine_setup.chinese_font", lambda: None)

    chinese = setup(lang="zh")
    (folder / ".env").unlink()  # it says OZON_RPA_LANG=zh now: the portal in Chinese needs the fonts too
    english = setup(lang="en")

    assert chinese.exit_code == 1 and "这台电脑上没有能显示中文的字体" in chinese.output, chinese.output
    assert english.exit_code == 0 and "no font on this computer writes Chinese" in english.output, "a note only"


@pytest.mark.parametrize(("platform", "words"), [
    ("win32", ["Microsoft Edge", "py -m playwright install chromium", "OZON_RPA_BROWSER_PATH"]),
    ("darwin", ["Google Chrome", "python3 -m playwright install chromium"]),
    ("linux", ["sudo apt-get install -y chromium", "sudo dnf install", "--with-deps chromium"]),
], ids=["windows", "macos", "linux"])
def test_install_instructions_should_name_what_to_install_on_each_os(platform: str, words: list[str]) -> None:
    said = install_instructions(platform)
    assert all(word in said for word in words), said
