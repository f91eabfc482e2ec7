"""``ozon-rpa stats``: every figure from a journal built by hand, then the command in each format."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from agent.cli.app import app
from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest, ChangeResult, Outcome
from agent.stats.analytics import NO_CARRIER, NO_REASON, ChangeStats, cause_of, change_stats

#: (posting, outcome, carrier, reason, error, started, finished). Times in UTC on 2026-02-0x.
ITEMS = [
    ("11111111-0001-1", Outcome.CHANGED, "cdek", "carrier re-labelled", "", "02T10:00:00", "02T10:00:10"),
    ("11111111-0001-1", Outcome.CHANGED, "cdek", "typo in number", "", "03T10:00:00", "03T10:00:20"),
    ("11111111-0001-1", Outcome.CHANGED, "cdek", "typo in number", "", "04T10:00:00", "04T10:01:00"),
    ("22222222-0002-1", Outcome.CHANGED, "china_post", "typo in number", "", "04T11:00:00", "04T11:00:30"),
    ("33333333-0003-1", Outcome.CHANGED, None, "", "", "05T09:00:00", "05T09:00:04"),
    ("44444444-0004-1", Outcome.UNCHANGED, "cdek", "", "", "05T09:10:00", "05T09:10:02"),
    ("55555555-0005-1", Outcome.REJECTED, "cdek", "",
     "tracking number RR473124828GB: probable typo: check digit should be 9 (UPU S10 format)",
     "05T10:00:00", "05T10:00:01"),
    ("66666666-0006-1", Outcome.REJECTED, "cdek", "",
     "tracking number LZ123456785CN: probable typo: check digit should be 3 (UPU S10 format)",
     "05T10:01:00", "05T10:01:01"),
    ("77777777-0007-1", Outcome.REJECTED, None, "", "posting 77777777-0007-1 not found", "05T10:02:00", "05T10:02:01"),
    ("88888888-0008-1", Outcome.FAILED, "dpd", "", "save answered HTTP 503: Сервис временно недоступен",
     "05T10:03:00", "05T10:04:00"),
    ("99999999-0009-1", Outcome.PENDING, "cainiao", "no number yet", "no number yet", "06T08:00:00", "06T08:00:05"),
]


def build_journal(state_dir: Path) -> Journal:
    """A journal holding ITEMS, one run each, with the times above."""
    journal = Journal(state_dir / "journal.sqlite")
    for n, (posting, outcome, carrier, reason, error, _, _) in enumerate(ITEMS):
        run = journal.start_run("change", run_id=f"run-{n}")
        journal.add_items(run.id, [ChangeRequest(posting_number=posting, new_tracking=f"X{n:08d}", carrier=carrier,
                                                 reason=reason, pending=outcome == Outcome.PENDING)])
        journal.mark_started(run.id, 0)
        journal.finish_item(run.id, 0, ChangeResult(posting_number=posting, outcome=outcome, carrier=carrier,
                                                    new_tracking=f"X{n:08d}", error=error))
        journal.finish_run(run.id, "done")
    with sqlite3.connect(journal.path) as db:  # the journal stamps "now"; the figures need known times
        for n, (*_, started, finished) in enumerate(ITEMS):
            db.execute("UPDATE items SET started_at=?, finished_at=? WHERE run_id=?",
                       (f"2026-02-{started}+00:00", f"2026-02-{finished}+00:00", f"run-{n}"))
    return journal


@pytest.fixture
def figures(tmp_path: Path) -> ChangeStats:
    journal = build_journal(tmp_path)
    try:
        return change_stats(journal.history())
    finally:
        journal.close()


def test_stats_should_count_every_outcome(figures: ChangeStats) -> None:
    assert figures.items == 11
    assert figures.outcomes == {"changed": 5, "unchanged": 1, "rejected": 3, "failed": 1, "pending": 1}


def test_stats_should_count_changes_per_carrier_and_per_reason_most_first(figures: ChangeStats) -> None:
    assert [(c.key, c.count) for c in figures.by_carrier] == [("cdek", 3), (NO_CARRIER, 1), ("china_post", 1)]
    assert [(c.key, c.count) for c in figures.by_reason] == [("typo in number", 3), (NO_REASON, 1),
                                                             ("carrier re-labelled", 1)]


def test_stats_should_list_postings_changed_more_than_once(figures: ChangeStats) -> None:
    assert [(c.key, c.count) for c in figures.changed_more_than_once] == [("11111111-0001-1", 3)]


def test_stats_should_group_failure_causes_without_their_particulars_most_first(figures: ChangeStats) -> None:
    causes = [(c.outcome, c.cause, c.count) for c in figures.failure_causes]
    assert causes == [
        ("rejected", "tracking number <number>: probable typo: check digit should be <n> (UPU S10 format)", 2),
        ("rejected", "posting <posting> not found", 1),
        ("failed", "save answered HTTP <n>: Сервис временно недоступен", 1),
    ]


def test_stats_should_give_mean_and_median_time_of_changed_items_only(figures: ChangeStats) -> None:
    # changed: 10 s, 20 s, 60 s, 30 s, 4 s -> mean 24.8, median 20
    assert figures.time_per_change.count == 5
    assert figures.time_per_change.mean_s == pytest.approx(24.8)
    assert figures.time_per_change.median_s == pytest.approx(20.0)


def test_stats_since_should_leave_out_older_changes(tmp_path: Path) -> None:
    journal = build_journal(tmp_path)
    figures = change_stats(journal.history(since="2026-02-04"), since="2026-02-04")
    journal.close()
    assert figures.items == 9
    assert [(c.key, c.count) for c in figures.changed_more_than_once] == []
    assert figures.time_per_change.median_s == pytest.approx(30.0)  # 60, 30, 4


def test_stats_of_an_empty_journal_should_be_zeros(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite")
    figures = change_stats(journal.history())
    journal.close()
    assert figures.items == 0 and figures.by_carrier == [] and figures.time_per_change.mean_s is None


def test_cause_of_should_keep_words_and_drop_numbers() -> None:
    assert cause_of("not editable: Статус «Доставлено» не позволяет изменить трек-номер") == (
        "not editable: Статус <…> не позволяет изменить трек-номер")


# -- the command -------------------------------------------------------------------------------------------


@pytest.fixture
def run_stats(tmp_path: Path) -> Callable[..., Any]:
    build_journal(tmp_path).close()
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, ["--state-dir", str(tmp_path), "stats", *args], env={"OZON_RPA_BASE_URL": ""})

    return invoke


def test_stats_command_should_print_a_table(run_stats: Callable[..., Any]) -> None:
    result = run_stats()
    assert result.exit_code == 0, result.output
    assert "11 postings handled" in result.output and "changed 5" in result.output
    assert "average 24.8s, median 20.0s" in result.output
    assert "typo in number" in result.output and "11111111-0001-1" in result.output


def test_stats_command_should_print_json_with_every_figure(run_stats: Callable[..., Any]) -> None:
    result = run_stats("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["outcomes"]["rejected"] == 3
    assert data["by_carrier"][0] == {"key": "cdek", "count": 3}
    assert data["time_per_change"] == {"count": 5, "mean_s": 24.8, "median_s": 20.0}


def test_stats_command_should_print_csv_one_figure_a_line(run_stats: Callable[..., Any]) -> None:
    result = run_stats("--format", "csv", "--since", "2026-02-04")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["section", "key", "value"]
    assert ["summary", "items", "9"] in rows and ["carrier", "cdek", "1"] in rows
    assert ["time_per_change", "median_s", "30.000"] in rows


def test_stats_command_should_write_a_self_contained_html_page_with_charts(
    run_stats: Callable[..., Any], tmp_path: Path
) -> None:
    target = tmp_path / "out" / "stats.html"
    result = run_stats("--format", "html", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert str(target) in result.output.replace("\n", "")
    html = target.read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "<script" not in html and "src=" not in html
    assert 'data-chart="carrier"' in html and '<g data-key="cdek" data-count="3">' in html


def test_stats_command_should_refuse_an_unknown_format_and_a_bad_date(run_stats: Callable[..., Any]) -> None:
    assert run_stats("--format", "pdf").exit_code == 2
    assert run_stats("--since", "last week").exit_code == 2
