"""All problems at once: the checks before a browser say every problem they find, each with its fix, then exit 2.

As a new user meets it: the real ``ozon-rpa`` process in an empty folder, nobody at a terminal, a browser spy and a
local portal that counts its requests (``tests/e2e/test_fail_fast.py``'s ``Agent`` and ``Portal``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.test_fail_fast import POSTING, S10, Agent, Portal, agent, portal, write

pytestmark = pytest.mark.e2e
__all__ = ["agent", "portal"]  # the fixtures

SIGN_IN_FIX = "a one-time code will be needed (there is no saved sign-in"
COLUMNS_FIX = "wrong-columns.csv: no column for the posting number; expected one of: posting_number"


@pytest.mark.parametrize("command", [("bulk", "plan"), ("bulk", "apply", "--yes")], ids=["plan", "apply"])
def test_no_saved_sign_in_without_a_terminal_and_a_file_with_wrong_columns_should_both_be_reported(
    agent: Agent, portal: Callable[..., Portal], command: tuple[str, ...]
) -> None:
    server = portal()
    source = write(agent.home / "wrong-columns.csv", f"order,tracking_number\n{POSTING},{S10}\n")

    run = agent(*command[:2], str(source), *command[2:], base_url=server.url, OZON_RPA_OTP_SOURCE="prompt")

    assert run.code == 2, run.output
    assert "2 problems were found; nothing was started" in run.output
    assert f"1. {SIGN_IN_FIX}" in run.output and "run `ozon-rpa login`" in run.output, "the sign-in, with its fix"
    assert f"2. {COLUMNS_FIX}" in run.output and "(found: 'order', 'tracking_number')" in run.output, "the file"
    assert server.requests == [] and not run.browser_started


def test_every_problem_of_settings_profile_sign_in_and_file_should_be_reported_together(
    agent: Agent, portal: Callable[..., Portal]
) -> None:
    server = portal()
    source = write(agent.home / "wrong-columns.csv", f"order,tracking_number\n{POSTING},{S10}\n")
    profile = write(agent.home / "portal.toml", "[labels.ru]\nno_such_label = 'x'\n")
    blocked = write(agent.home / "a-file", "")  # a state folder that cannot be made: a file is in the way

    run = agent("bulk", "plan", str(source), base_url=server.url, OZON_RPA_OTP_SOURCE="prompt",
                OZON_RPA_STATE_DIR=str(blocked / "state"), OZON_RPA_PORTAL_PROFILE=str(profile))

    assert run.code == 2, run.output
    assert "4 problems were found" in run.output
    assert "1. OZON_RPA_STATE_DIR" in run.output and "cannot create" in run.output
    assert "choose another folder" in run.output
    assert f"2. {SIGN_IN_FIX}" in run.output
    assert "3. " in run.output and "portal.toml" in run.output and "no_such_label" in run.output
    assert f"4. {COLUMNS_FIX}" in run.output
    assert server.requests == [] and not run.browser_started


def test_one_problem_should_be_said_alone_as_before(agent: Agent, portal: Callable[..., Portal]) -> None:
    server = portal()
    source = write(agent.home / "wrong-columns.csv", f"order,tracking_number\n{POSTING},{S10}\n")

    run = agent("bulk", "plan", str(source), base_url=server.url)  # the sandbox code source: sign-in is fine

    assert run.code == 2, run.output
    assert "problems were found" not in run.output and COLUMNS_FIX in run.output
