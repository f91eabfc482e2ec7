"""What bulk runs say in an alert, and the exact command that resumes a stopped one."""

from __future__ import annotations

import shlex
from pathlib import Path

from agent.alerts.messages import MAX_WHY, bulk_finished, bulk_stopped, short_reason
from agent.cli.bulk_output import resume_command
from agent.core.redact import redact

REPORT = Path("/srv/ozon/.ozon-rpa/runs/20261126-073000-bulk-1a2b/report.html")
RUN = "20261126-073000-bulk-1a2b"


def test_a_finished_run_should_say_its_counts_by_outcome_and_where_its_report_is() -> None:
    alert = bulk_finished(RUN, "/home/anna/changes.xlsx", {"changed": 10, "unchanged": 2, "rejected": 1,
                                                           "failed": 0, "pending": 0}, REPORT)

    assert alert.title == "ozon-rpa: bulk run finished, some postings need a look" and alert.level == "warning"
    assert alert.body == f"Run {RUN} (changes.xlsx): changed 10, unchanged 2, rejected 1.\nReport: {REPORT}"


def test_a_clean_run_should_say_so_with_the_company_named() -> None:
    alert = bulk_finished(RUN, "c.csv", {"changed": 3, "unchanged": 0}, REPORT, shop="ООО Ромашка")

    assert alert.title == "ozon-rpa · ООО Ромашка: bulk run finished" and alert.level == "success"


def test_a_stopped_run_should_say_why_how_far_it_got_and_the_command_that_resumes_it() -> None:
    resume = resume_command(RUN, {"state_dir": Path("shop 1")}, where=Path("/srv/ozon"))
    alert = bulk_stopped(RUN, "the portal shows its anti-bot check («Доступ ограничен»).\nmore lines",
                         {"changed": 3, "rejected": 1, "pending": 10}, REPORT, resume)

    assert alert.title == "ozon-rpa: bulk run stopped early" and alert.level == "failure"
    assert alert.body.splitlines() == [
        f"Run {RUN}: the portal shows its anti-bot check («Доступ ограничен»).",
        "Done so far: changed 3, rejected 1; not reached: 10.",
        "Resume with:",
        f"cd /srv/ozon && ozon-rpa --state-dir 'shop 1' bulk apply --resume {RUN}",
        f"Report: {REPORT}",
    ]


def test_the_resume_command_should_carry_the_options_the_run_was_started_with() -> None:
    command = resume_command(RUN, {"base_url": "https://seller.ozon.ru", "portal_profile": Path("/p/ozon.toml"),
                                   "lang": "zh", "headless": False}, otp_source="sandbox")

    assert shlex.split(command) == ["ozon-rpa", "--base-url", "https://seller.ozon.ru", "--lang", "zh", "--profile",
                                    "/p/ozon.toml", "--headed", "bulk", "apply", "--resume", RUN, "--otp-source",
                                    "sandbox"]


def test_a_reason_should_be_cut_to_its_first_line_short_and_redacted() -> None:
    redact.add("s3cr3t-c0de")

    assert short_reason("\n  cookie sid=abc123 and s3cr3t-c0de\nsecond") == "cookie sid=*** and ***"
    assert len(short_reason("x" * 1000)) == MAX_WHY
