"""Remote browsers: the agent drives a Chromium that ``playwright run-server`` launches (on loopback here).

The local browser path is set to a file that does not exist, so a run that succeeds cannot have launched a
browser of its own: it went through the endpoint.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.core.browser.choice import find_browser
from agent.core.settings import Settings
from tests.conftest import Oracle
from tests.e2e.test_bulk import write_rows
from tests.e2e.test_change import editable, s10

pytestmark = pytest.mark.e2e


@pytest.fixture
def run_server() -> Iterator[str]:
    """``playwright run-server`` on 127.0.0.1 with an OS-chosen port; yields its ws:// endpoint."""
    playwright_cli = Path(sys.executable).with_name("playwright")
    # A session of its own: the ``playwright`` launcher runs the server as a child (node), which must go too.
    proc = subprocess.Popen([str(playwright_cli), "run-server", "--host", "127.0.0.1", "--port", "0", "--unsafe"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"ws://127\.0\.0\.1:\d+/", line)
        assert found, f"run-server said: {line!r}"
        yield found.group(0)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):  # the server (node) outlives a SIGTERM to its group
            os.killpg(proc.pid, signal.SIGKILL)


def test_change_should_run_on_a_remote_browser_through_its_endpoint(
    cli: Callable[..., Any], sandbox: Oracle, run_server: str, tmp_path: Path
) -> None:
    posting = editable(sandbox, 3)
    new = s10(12_500_001)
    chromium = find_browser().executable
    assert chromium is not None

    result = cli("change", posting["posting_number"], new, env_extra={
        "OZON_RPA_BROWSER_ENDPOINT": run_server,
        "OZON_RPA_REMOTE_BROWSER_PATH": str(chromium),
        "OZON_RPA_BROWSER_PATH": str(tmp_path / "no-local-browser"),
    })

    assert result.exit_code == 0, result.output
    truth = sandbox.posting(posting["posting_number"])
    assert truth["tracking_number"] == new and truth["save_count"] == 1


def test_change_should_say_clearly_when_the_remote_browser_is_unreachable(
    cli: Callable[..., Any], sandbox: Oracle
) -> None:
    posting = editable(sandbox, 4)

    result = cli("change", posting["posting_number"], s10(12_500_002),
                 env_extra={"OZON_RPA_BROWSER_ENDPOINT": "ws://127.0.0.1:9/?token=s3cret"})

    assert result.exit_code == 2, result.output
    assert "remote browser at ws://127.0.0.1:9/" in result.output and "run-server" in result.output
    assert "s3cret" not in result.output  # a farm's access token stays out of messages
    assert sandbox.posting(posting["posting_number"])["save_count"] == 0


def test_bulk_apply_on_a_remote_browser_should_say_once_that_re_sent_saves_are_not_counted(
    cli: Callable[..., Any], sandbox: Oracle, run_server: str, tmp_path: Path, agent_settings: Settings
) -> None:
    rows = [[p["posting_number"], s10(12_500_100 + i)] for i, p in enumerate(sandbox.postings(editable=True, limit=2))]
    source = write_rows(tmp_path / "c.csv", ["posting_number", "tracking_number"], rows, "utf-8")
    chromium = find_browser().executable
    assert chromium is not None

    result = cli("bulk", "apply", str(source), "--yes", "--workers", "2", env_extra={
        "OZON_RPA_BROWSER_ENDPOINT": run_server, "OZON_RPA_REMOTE_BROWSER_PATH": str(chromium),
        "OZON_RPA_BROWSER_PATH": str(tmp_path / "no-local-browser")})

    assert result.exit_code == 0, result.output
    note = ("re-sent saves are not counted with a remote browser (OZON_RPA_BROWSER_ENDPOINT): a save the browser "
            "sent twice is not noted on its row")
    assert " ".join(result.output.split()).count(note) == 1, result.output
    report = (max(agent_settings.runs_dir.iterdir()) / "report.html").read_text(encoding="utf-8")
    assert report.count(note) == 1, "the run's note, kept in the journal: a rebuilt report says it too"
