"""Which Chromium a run gets: the headless shell for headless runs, the full browser for headed ones.

Real files on disk stand in for installed browsers (Playwright's cache through ``PLAYWRIGHT_BROWSERS_PATH``, the
system's through ``PATH``); nothing is launched.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from agent.core.browser.choice import INSTALLED_BROWSERS, find_browser, main
from agent.core.errors import ConfigError


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """An empty Playwright cache and an empty PATH: (cache, bin)."""
    cache, bin_dir = tmp_path / "ms-playwright", tmp_path / "bin"
    cache.mkdir()
    bin_dir.mkdir()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(cache))
    monkeypatch.setenv("PATH", str(bin_dir))
    return cache, bin_dir


def test_headless_runs_should_get_playwrights_headless_shell_and_headed_runs_its_full_chromium(
    machine: tuple[Path, Path]
) -> None:
    cache, bin_dir = machine
    full = executable(cache / "chromium-1200" / "chrome-linux64" / "chrome")
    shell = executable(cache / "chromium_headless_shell-1200" / "chrome-headless-shell-linux64"
                       / "chrome-headless-shell")
    executable(bin_dir / "chromium-headless-shell")  # Playwright's own comes first

    headless, headed = find_browser(), find_browser(headless=False)

    assert (headless.executable, headless.source, headless.headless_shell) == (shell, "playwright", True)
    assert (headed.executable, headed.source, headed.headless_shell) == (full, "playwright", False)
    assert "headless shell" in headless.describe() and "headless shell" not in headed.describe()


def test_the_newest_bundled_headless_shell_should_win_also_in_the_older_folder_layout(
    machine: tuple[Path, Path]
) -> None:
    cache, _ = machine
    executable(cache / "chromium_headless_shell-1155" / "chrome-linux" / "headless_shell")
    newer = executable(cache / "chromium_headless_shell-1161" / "chrome-linux" / "headless_shell")

    assert find_browser().executable == newer


def test_debians_headless_shell_should_serve_headless_runs_and_debians_chromium_headed_ones(
    machine: tuple[Path, Path]
) -> None:
    _, bin_dir = machine
    shell = executable(bin_dir / "chromium-headless-shell")
    full = executable(bin_dir / "chromium")

    assert (find_browser().executable, find_browser().source) == (shell, "system")
    assert (find_browser(headless=False).executable, find_browser(headless=False).source) == (full, "system")


def test_the_full_chromium_should_serve_headless_runs_when_no_shell_is_installed(machine: tuple[Path, Path]) -> None:
    _, bin_dir = machine
    full = executable(bin_dir / "chromium")

    choice = find_browser()

    assert choice.executable == full and not choice.headless_shell


def test_an_explicit_browser_path_should_win_over_any_headless_shell(
    machine: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bin_dir = machine
    executable(bin_dir / "chromium-headless-shell")
    mine = executable(tmp_path / "my-chrome")

    assert find_browser(mine).executable == mine and find_browser(mine).source == "settings"


def test_a_headed_run_should_say_what_to_install_when_only_the_headless_shell_is_there(
    machine: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, bin_dir = machine
    executable(bin_dir / "chromium-headless-shell")

    with pytest.raises(ConfigError, match="apt-get install -y chromium"):
        find_browser(headless=False)
    assert main([]) == 0  # headless runs work
    assert "need the full Chromium" in capsys.readouterr().out


def test_the_makefiles_check_should_fail_until_a_headless_shell_is_there(
    machine: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, bin_dir = machine
    assert main([]) == 1  # nothing at all: the install hint
    assert "No Chromium found" in capsys.readouterr().err
    executable(bin_dir / "chromium")
    assert main([]) == 0 and main(["--headless-shell"]) == 1
    executable(bin_dir / "chromium-headless-shell")
    assert main(["--headless-shell"]) == 0


def test_a_chrome_or_edge_installed_where_windows_puts_it_should_be_found(
    machine: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not on PATH there: Edge comes with every Windows 10 and 11, so a seller's PC needs no download."""
    edge = executable(tmp_path / "Program Files (x86)" / "Microsoft" / "Edge" / "Application" / "msedge.exe")
    monkeypatch.setattr("agent.core.browser.choice.sys.platform", "win32")
    chrome = tmp_path / "Google/Chrome/Application/chrome.exe"  # not installed
    monkeypatch.setitem(INSTALLED_BROWSERS, "win32", (str(chrome), str(edge)))

    choice = find_browser()

    assert (choice.executable, choice.source) == (edge, "system")
