"""The reports and the workbook speak the operator's language (``OZON_RPA_UI_LANG``), while what scripts read stays put:
outcome and rule codes in ``data-*`` attributes, JSON keys, CSV columns."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from agent.bulk.plan import Plan
from agent.bulk.report import write_report
from agent.bulk.results import RESULT_COLUMNS, ResultRow, write_results
from agent.cli.app import app
from agent.core import i18n
from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest, ChangeResult, Outcome
from agent.core.settings import Settings
from agent.rules.anomalies import Finding, Rule
from agent.watch.report import ScanFacts, write_watch_report

TEMPLATES = Path(i18n.__file__).parent.parent / "templates"

#: What a person must read in each language, per report (a title, labels, an outcome, a plural).
EXPECTED = {
    "stats": {"zh": ["跟踪号修改 — 统计", "已处理货件", "按物流商统计修改次数", "已修改", "已拒绝", "（未指定物流商）",
                     "中国邮政"],
              "ru": ["Изменение трек-номеров — статистика", "обработано отправлений", "Изменения по службам доставки",
                     "изменено", "отклонено", "(служба не указана)", "Почта Китая"]},
    "watch": {"zh": ["状态监控", "扫描 ", "状态滞留", "跟踪号有误", "运输中", "<b>2</b> 个货件被标记",
                     "同一状态超过 10 天", "全部", "未设置"],
              "ru": ["Контроль статусов", "Проверка ", "зависло в статусе", "неверный трек-номер", "Доставляется",
                     "<b>2</b> отправления отмечены", "10 дней в одном статусе", "Все", "не задан"]},
    "report": {"zh": ["跟踪号修改", "已修改", "失败", "物流商", "俄罗斯邮政", "修改前", "已发送", "批量修改", "已完成",
                      "1 分 05 秒"],
               "ru": ["Изменение трек-номеров", "изменено", "не удалось", "Служба доставки", "Почта России", "до",
                      "отправлено", "массовое изменение", "завершён", "1 мин 05 с"]},
}


@pytest.fixture
def speak(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Choose the language as an operator does (``OZON_RPA_UI_LANG``); English again afterwards."""

    def choose(lang: str) -> None:
        monkeypatch.setenv("OZON_RPA_UI_LANG", lang)
        i18n.set_ui_lang(Settings(_env_file=None).ui_language)  # type: ignore[call-arg]

    yield choose
    i18n.set_ui_lang("en")


def english_labels(template: str) -> list[str]:
    """The English texts a template translates (placeholder-free ones, shown as element text)."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")
    return [t for t in re.findall(r'_\("([^"{]+)"\)', source) if len(t) > 3]


def assert_no_english_left(html: str, template: str) -> None:
    left = [label for label in english_labels(template) if f">{label}<" in html or f'aria-label="{label}"' in html]
    assert not left, f"untranslated in {template}: {left}"


def stats_journal(state_dir: Path) -> None:
    """A small journal: two changes (one without a carrier), a rejection, with known times."""
    journal = Journal(state_dir / "journal.sqlite")
    items = [("11111111-0001-1", Outcome.CHANGED, "china_post", ""), ("22222222-0002-1", Outcome.CHANGED, None, ""),
             ("33333333-0003-1", Outcome.REJECTED, "cdek", "posting 33333333-0003-1 not found")]
    for n, (posting, outcome, carrier, error) in enumerate(items):
        run = journal.start_run("change", run_id=f"run-{n}")
        journal.add_items(run.id, [ChangeRequest(posting_number=posting, new_tracking=f"X{n:08d}", carrier=carrier)])
        journal.mark_started(run.id, 0)
        journal.finish_item(run.id, 0, ChangeResult(posting_number=posting, outcome=outcome, carrier=carrier,
                                                    new_tracking=f"X{n:08d}", error=error))
        journal.finish_run(run.id, "done")
    journal.close()
    with sqlite3.connect(state_dir / "journal.sqlite") as db:
        db.execute("UPDATE items SET started_at='2026-02-02T10:00:00+00:00', finished_at='2026-02-02T10:00:12+00:00'")


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_ui_lang_should_make_the_stats_page_speak_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     speak: Callable[[str], None], lang: str) -> None:
    stats_journal(tmp_path)
    monkeypatch.setenv("OZON_RPA_UI_LANG", lang)
    target = tmp_path / "stats.html"
    result = CliRunner().invoke(app, ["--state-dir", str(tmp_path), "stats", "--format", "html", "-o", str(target)])
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    for text in EXPECTED["stats"][lang]:
        assert text in html
    assert_no_english_left(html, "stats.html.j2")
    assert '<g data-key="changed" data-count="2">' in html, "codes stay English for scripts"
    assert '<g data-key="(unknown)" data-count="1">' in html
    assert f'<html lang="{"zh-CN" if lang == "zh" else "ru"}">' in html


def test_the_ui_lang_option_should_win_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            speak: Callable[[str], None]) -> None:
    stats_journal(tmp_path)
    monkeypatch.setenv("OZON_RPA_UI_LANG", "ru")
    target = tmp_path / "stats.html"
    result = CliRunner().invoke(app, ["--ui-lang", "zh", "--state-dir", str(tmp_path), "stats", "--format", "html",
                                      "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "跟踪号修改 — 统计" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_ui_lang_should_make_the_watch_report_speak_it(tmp_path: Path, speak: Callable[[str], None],
                                                       lang: str) -> None:
    speak(lang)
    journal = Journal(tmp_path / "journal.sqlite")
    run = journal.start_run("watch", base_url="http://127.0.0.1:1")
    journal.finish_run(run.id, "done")
    findings = [Finding(posting_number="A", rule=Rule.STUCK, detail="12d", status="delivering"),
                Finding(posting_number="A", rule=Rule.BAD_TRACKING, detail="typo", status="delivering"),
                Finding(posting_number="B", rule=Rule.PENDING_NUMBER, detail="waiting")]
    html = write_watch_report(tmp_path / run.id, journal.run(run.id), findings,
                              ScanFacts(("all",), 5, 2, 1.5, 10)).read_text(encoding="utf-8")
    journal.close()
    for text in EXPECTED["watch"][lang]:
        assert text in html
    assert_no_english_left(html, "watch.html.j2")
    assert '<li data-rule="stuck">' in html and 'data-rule="bad_tracking"' in html, "codes stay English"


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_ui_lang_should_make_the_run_report_speak_it(tmp_path: Path, speak: Callable[[str], None], lang: str) -> None:
    from agent.core.journal.rows import RunRecord

    speak(lang)
    run = RunRecord(id="20261126-073000-bulk-1a2b", kind="bulk", started_at="2026-11-26T07:30:00.000+00:00",
                    finished_at="2026-11-26T07:31:05.000+00:00", status="done", operator="li.wei")
    rows = [ResultRow(row_number=2, posting_number="48173252-0033-2", old_tracking="RR473124829GB",
                      new_tracking="62009147017544", carrier="russian_post", outcome=Outcome.CHANGED,
                      evidence=["48173252-0033-2/before.png"], notified="sent"),
            ResultRow(row_number=3, posting_number="48173252-0034-1", new_tracking="X2", outcome=Outcome.FAILED)]
    html = write_report(tmp_path, run, rows, plan=Plan(created_by="li.wei").seal()).read_text(encoding="utf-8")
    for text in EXPECTED["report"][lang]:
        assert text in html
    assert_no_english_left(html, "report.html.j2")
    assert 'data-outcome="changed"' in html and 'data-outcome="failed"' in html, "codes stay English"


def test_ui_lang_should_translate_the_workbook_summary_but_not_the_columns_scripts_read(
    tmp_path: Path, speak: Callable[[str], None]
) -> None:
    speak("zh")
    rows = [ResultRow(row_number=2, posting_number="48173252-0033-2", new_tracking="62009147017544",
                      outcome=Outcome.CHANGED),
            ResultRow(row_number=3, posting_number="48173252-0034-1", new_tracking="X2", outcome=Outcome.REJECTED)]
    csv_path, xlsx_path = write_results(tmp_path, ["运单号"], rows)
    workbook = openpyxl.load_workbook(xlsx_path)
    summary = [row for row in workbook["summary"].iter_rows(values_only=True)]
    assert summary[0] == ("结果", "行数") and ("已修改", 1) in summary and ("合计", 2) in summary
    header = [c.value for c in workbook["results"][1]]
    assert header == ["运单号", *RESULT_COLUMNS], "column names stay what scripts re-import"
    assert [c.value for c in workbook["results"]["G"][1:]] == ["changed", "rejected"], "outcome codes stay English"
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(["运单号", *RESULT_COLUMNS])


def test_an_unknown_ui_lang_should_be_bad_usage(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--ui-lang", "fr", "--state-dir", str(tmp_path), "stats"])
    assert result.exit_code == 2
    assert "ui_lang" in result.output
