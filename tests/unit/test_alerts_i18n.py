"""Alerts speak the operator's language (``OZON_RPA_UI_LANG``), through the catalogs like every text a person
reads; posting numbers, commands, paths and run ids stay as they are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.alerts.delivery import Dispatcher
from agent.alerts.messages import bulk_finished, bulk_stopped
from agent.core import i18n
from agent.core.settings import Settings
from agent.rules.anomalies import Finding, Rule
from agent.watch.alerts import WatchAlerts
from agent.watch.runner import DEFAULT_TABS
from tests.alert_receiver import AlertReceiver

REPORT = Path("/srv/ozon/.ozon-rpa/runs/r/report.html")
RESUME = "cd /srv/ozon && ozon-rpa bulk apply --resume 20261126-bulk-1a2b"
FINDINGS = [Finding(posting_number="48173252-0033-2", rule=Rule.STUCK, detail="x", status="delivering")]

#: What a person reads, per language (and the English it replaces must be gone).
EXPECTED = {
    "zh": {"stopped": ["ozon-rpa: 批量运行提前停止", "已完成：已修改 3", "未处理：10", "继续运行的命令：", RESUME,
                       "报告："],
           "finished": ["ozon-rpa: 批量运行已完成", "已修改 3"],
           "scan": ["ozon-rpa: 1 个货件需要处理", "新增 1", "48173252-0033-2：状态滞留", "报告："],
           "problem": ["ozon-rpa: 状态监控无法扫描", "处理方法：", "ozon-rpa login --interactive", "状态监控已停止"]},
    "ru": {"stopped": ["ozon-rpa: массовый запуск остановлен досрочно", "Сделано: изменено 3", "не дошла очередь: 10",
                       "Продолжить командой:", RESUME, "Отчёт:"],
           "finished": ["ozon-rpa: массовый запуск завершён", "изменено 3"],
           "scan": ["ozon-rpa: 1 отправление требует внимания", "новых 1", "48173252-0033-2: зависло в статусе",
                    "Отчёт:"],
           "problem": ["ozon-rpa: контроль статусов не смог выполнить проверку", "Что сделать:",
                       "ozon-rpa login --interactive", "Контроль статусов остановлен"]},
}
ENGLISH = ("Resume with", "Done so far", "needs attention", "What to do", "Report:", "bulk run", "stuck in status",
           "The watch stopped")


@pytest.fixture
def speak() -> Iterator[None]:
    yield
    i18n.set_ui_lang("en")


@pytest.mark.parametrize("lang", ["zh", "ru"])
def test_alerts_should_speak_the_operators_language(lang: str, speak: None, tmp_path: Path) -> None:
    i18n.set_ui_lang(lang)
    counts = {"changed": 3, "unchanged": 0, "rejected": 0, "failed": 0, "pending": 10}
    stopped = bulk_stopped("20261126-bulk-1a2b", "stopped by a person (Ctrl-C)", counts, REPORT, RESUME)
    finished = bulk_finished("20261126-bulk-1a2b", "c.csv", {"changed": 3}, REPORT)
    with AlertReceiver() as receiver:
        settings = Settings(alert_urls=receiver.url(), state_dir=tmp_path, _env_file=None)
        dispatcher = Dispatcher.for_settings(settings)
        watch = WatchAlerts(settings, dispatcher, DEFAULT_TABS)
        watch.scanned("scan-1", FINDINGS, REPORT)
        watch.could_not_scan("antibot", "the portal shows its anti-bot check", continues=False)
        dispatcher.close()
        watch.close()
    scan, problem = (f"{a['title']}\n{a['message']}" for a in receiver.alerts)
    texts = {"stopped": f"{stopped.title}\n{stopped.body}", "finished": f"{finished.title}\n{finished.body}",
             "scan": scan, "problem": problem}

    for kind, wanted in EXPECTED[lang].items():
        for text in wanted:
            assert text in texts[kind], (kind, text, texts[kind])
        for english in ENGLISH:
            assert english not in texts[kind], (kind, english)
