"""Playwright's driver keeps its compiled code between commands (Node's ``NODE_COMPILE_CACHE``).

A real browser is launched the agent's way, to show the driver's Node fills the folder we name.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.core.browser.choice import find_browser, keep_driver_compile_cache, launched_browser
from tests.conftest import run_in_thread


def test_every_browser_the_agent_launches_should_start_its_driver_with_the_cache_in_the_users_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODE_COMPILE_CACHE", "")  # unset, and restored after the test
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "ozon-rpa" / "node-compile-cache"

    def launch() -> str:
        with launched_browser(find_browser()) as (_, browser):
            return browser.version

    assert run_in_thread(launch)  # a thread of its own: no asyncio loop of another test's Playwright in the way
    assert os.environ["NODE_COMPILE_CACHE"] == str(folder)
    assert any(path.is_file() for path in folder.rglob("*")), "the driver's Node kept nothing there"


def test_a_cache_folder_the_user_chose_should_be_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NODE_COMPILE_CACHE", str(tmp_path / "mine"))

    assert keep_driver_compile_cache() == tmp_path / "mine"
    assert os.environ["NODE_COMPILE_CACHE"] == str(tmp_path / "mine")


def test_a_cache_folder_that_cannot_be_made_should_only_cost_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("NODE_COMPILE_CACHE", "")  # unset, and restored after the test
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the folder should go
    monkeypatch.setenv("LOCALAPPDATA", str(blocker))

    assert keep_driver_compile_cache() is None
    assert not os.environ["NODE_COMPILE_CACHE"]
