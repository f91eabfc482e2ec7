"""UI drift end to end: a control the agent cannot find stops the run at once (exit 3, resumable, named).

Drift is made the way the live portal makes it: the sandbox renames one visible label (``POST /_sandbox/labels``).
It is never a business answer (``not editable``), never retried like a failed save, never counted by the circuit
breaker; the posting in hand stays ``pending`` and the run resumes once the label table is fixed. Runs on every
front end in ``--skins``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from pages.labels_in_use import label_table
from tests.conftest import Oracle
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e

SANDBOX_LANG = {"ru": "ru", "en": "en", "zh": "zh-Hans"}
RENAMED_EDIT = {"ru": "Редактировать трек", "en": "Edit tracking", "zh": "编辑追踪号"}


def journal(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(settings.journal_path) as db:
        return list(db.execute(sql))


@pytest.mark.every_skin
@pytest.mark.parametrize("lang", ["ru", "en"], ids=["russian-portal", "english-portal"])
def test_change_should_stop_with_exit_3_naming_the_drift_when_the_edit_button_is_renamed(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, lang: str
) -> None:
    number = sandbox.postings(editable=True, limit=5)[0]["posting_number"]
    sandbox.set_label(SANDBOX_LANG[lang], "drawer.edit_tracking", RENAMED_EDIT[lang])

    result = cli("change", number, s10(14_000_001), env_extra={"OZON_RPA_LANG": lang})

    assert result.exit_code == 3, result.output
    # The words in effect: the label table's, or the front end's portal profile's.
    assert f"UI drift: PostingDetails cannot find '{label_table(lang).edit_tracking}' (lang={lang})" in result.output
    assert "not editable" not in result.output
    assert journal(agent_settings, "SELECT outcome FROM items") == [("pending",)]
    assert journal(agent_settings, "SELECT count(*) FROM attempts") == [(0,)], "drift is never retried"
    assert sandbox.posting(number)["save_count"] == 0


@pytest.mark.every_skin
def test_change_should_stop_with_exit_3_when_a_drawer_field_label_is_renamed(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings
) -> None:
    number = sandbox.postings(editable=True, limit=5)[1]["posting_number"]
    sandbox.set_label("ru", "field.tracking_number", "Номер для отслеживания")

    result = cli("change", number, s10(14_000_002))

    assert result.exit_code == 3, result.output
    assert "UI drift: PostingDetails cannot find 'Трек-номер' (lang=ru)" in result.output
    assert journal(agent_settings, "SELECT outcome FROM items") == [("pending",)]
    assert sandbox.posting(number)["save_count"] == 0


def test_bulk_apply_should_stop_at_drift_without_the_breaker_and_resume_once_the_label_is_back(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    postings = sandbox.postings(editable=True, limit=4)
    rows = [(p["posting_number"], s10(14_100_000 + i)) for i, p in enumerate(postings[:3])]
    source = tmp_path / "changes.csv"
    source.write_text("posting_number,tracking_number\n" + "".join(f"{n},{t}\n" for n, t in rows), encoding="utf-8")
    plan = tmp_path / "changes.plan.json"
    assert cli("bulk", "plan", str(source), "-o", str(plan)).exit_code == 0
    sandbox.set_label("ru", "drawer.edit_tracking", RENAMED_EDIT["ru"])

    stopped = cli("bulk", "apply", str(plan), "--yes", "--workers", "1", env_extra={"OZON_RPA_CIRCUIT_BREAKER": "1"})

    assert stopped.exit_code == 3, stopped.output
    assert "UI drift: PostingDetails cannot find" in stopped.output
    assert "circuit breaker" not in stopped.output
    assert {o for (o,) in journal(agent_settings, "SELECT outcome FROM items")} == {"pending"}
    assert all(sandbox.posting(n)["save_count"] == 0 for n, _ in rows)

    sandbox.set_label("ru", "drawer.edit_tracking", label_table("ru").edit_tracking)  # right again
    (run_id,) = journal(agent_settings, "SELECT id FROM runs WHERE kind='bulk'")[0]
    resumed = cli("bulk", "apply", "--resume", str(run_id))

    assert resumed.exit_code == 0, resumed.output
    for number, new in rows:
        truth = sandbox.posting(number)
        assert (truth["tracking_number"], truth["save_count"]) == (new, 1)


def test_watch_should_exit_3_not_1_when_it_cannot_read_the_list(cli: Callable[..., Any], sandbox: Oracle) -> None:
    sandbox.set_label("ru", "col.posting_number", "№ отправления")

    result = cli("watch", "--once")

    assert result.exit_code == 3, result.output
    assert "UI drift: PostingsListPage cannot find" in result.output
