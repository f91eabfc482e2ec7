"""``pytest -m flow --replay FILE``: the read-only flow tests pass offline against ``ozon-rpa capture --har``.

A sandbox of this test's own is captured, then stopped; the flow suite then runs in a subprocess with nothing
listening at the captured address, so every answer it gets comes from the recorded (and redacted) traffic.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from fixtures.sandbox.config import SandboxConfig
from fixtures.sandbox.server import SandboxServer
from tests.conftest import run_in_thread

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
#: The flow tests whose every request a capture records (its list, drawer and dialog walk).
WALKS_RECORDED = "drawer_should_read_the_posting or dialog_should_offer"


def capture_of_a_sandbox(tmp_path: Path) -> tuple[Path, str]:
    """``capture --har`` of a fresh sandbox, which is stopped afterwards; the zip and the sandbox's address."""
    from agent.cli.app import app

    bundle = tmp_path / "capture.zip"
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    with SandboxServer(SandboxConfig(postings=60)) as server:
        env = {"OZON_RPA_BASE_URL": server.url, "OZON_RPA_STATE_DIR": str(state_dir), "OZON_RPA_OTP_SOURCE": "sandbox",
               "OZON_RPA_TIMEOUT_MS": "10000"}
        result = run_in_thread(lambda: CliRunner().invoke(app, ["capture", "--har", "-o", str(bundle)], env=env))
        assert result.exit_code == 0, result.output
        url = server.url
    return bundle, url


def test_the_read_only_flow_should_pass_offline_against_a_captured_har(tmp_path: Path) -> None:
    bundle, url = capture_of_a_sandbox(tmp_path)
    with pytest.raises(httpx.TransportError):
        httpx.get(url, timeout=5)  # the portal is gone: only the capture can answer

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OZON_RPA_", "PYTEST_"))}
    flow = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "flow", "--replay", str(bundle), "-p", "no:cacheprovider", "-p",
         "no:randomly", "-v", "-rs", "-k", WALKS_RECORDED, "tests/flow/test_posting.py", "tests/flow/test_dialog.py"],
        cwd=REPO, env=env, text=True, capture_output=True, timeout=600)

    assert flow.returncode == 0, flow.stdout[-4000:] + flow.stderr[-2000:]
    for test in ("test_drawer_should_read_the_posting_opened_from_its_row",
                 "test_dialog_should_offer_the_current_number_and_service_and_cancel_without_saving"):
        assert re.search(rf"{test}\S* PASSED", flow.stdout), f"{test} did not pass offline:\n{flow.stdout[-3000:]}"
