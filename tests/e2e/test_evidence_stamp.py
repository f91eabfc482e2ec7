"""Evidence that speaks for itself: every kept image is stamped (read back with OCR), and the report shows it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.core.evidence.stamp import read_stamp
from agent.core.settings import Settings
from tests.conftest import Oracle
from tests.e2e.test_bulk import write_rows
from tests.e2e.test_change import editable, s10
from tests.evidence_check import assert_no_buyer_data, ocr_text

pytestmark = pytest.mark.e2e


def test_bulk_evidence_should_carry_a_readable_stamp_and_the_report_should_show_it(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    posting = editable(sandbox, 5)
    number = posting["posting_number"]
    source = write_rows(tmp_path / "one.csv", ["posting_number", "tracking_number"], [[number, s10(12_600_001)]],
                        "utf-8")

    result = cli("bulk", "apply", str(source), "--yes")

    assert result.exit_code == 0, result.output
    run_dir = next(d for d in agent_settings.runs_dir.iterdir() if d.is_dir())
    after = run_dir / re.sub(r"[^\w.-]+", "_", number) / "after.jpg"
    stamp = read_stamp(after)
    assert f"posting {number} | run {run_dir.name} | step after" in stamp
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \| local ", stamp)
    assert "127.0.0.1" in stamp and "postingDetails" not in stamp  # host and path, never the query
    burned = ocr_text(after, langs="eng")
    assert number in burned.replace(" ", "") and "step after" in burned  # burned in, readable without the file
    assert_no_buyer_data(after, sandbox.posting(number))  # the stamp hides nothing and reveals nothing
    assert stamp in (run_dir / "report.html").read_text(encoding="utf-8")
