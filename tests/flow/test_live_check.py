"""The read-only check (``--live``): every page object finds its controls and labels; nothing is saved or sent.

``scenarios.ui_check.check_ui`` walks the list, a posting's drawer, the edit dialog (then Cancel) and the chat
(without writing). A missing control is "UI drift", naming the page object, the label and the language, with a
screenshot. It is plain sync code on the page it is given, so it runs on pytest-playwright's page here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pages.labels import LABELS
from scenarios.portal import Portal
from scenarios.ui_check import check_ui
from tests.conftest import Oracle
from tests.flow.conftest import LANG_COOKIE

pytestmark = [pytest.mark.flow, pytest.mark.e2e]

PAGE_OBJECTS = {"PostingsListPage", "PostingDetails", "TrackingEditor", "ChatPage"}
EDIT_BUTTON_KEY = "drawer.edit_tracking"  # the sandbox's i18n key of «Указать или изменить трек-номер»
RENAMED = {"ru": "Редактировать трек", "en": "Edit tracking", "zh": "编辑跟踪号"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_live_check_should_find_every_control_of_every_page_object(portal: Portal, tmp_path: Path) -> None:
    report = check_ui(portal, tmp_path / "shots")

    assert report.ok, "\n".join(str(d) for d in report.drift)
    assert not report.notes, report.notes
    assert {entry.split(":")[0] for entry in report.checked} == PAGE_OBJECTS
    assert report.lang == portal.settings.lang


def test_live_check_should_save_nothing_and_send_nothing(portal: Portal, sandbox_oracle: Oracle,
                                                          tmp_path: Path) -> None:
    before = _state(sandbox_oracle)

    report = check_ui(portal, tmp_path / "shots")

    assert report.ok and any(e.startswith("TrackingEditor:") for e in report.checked), "the walk should reach Save"
    assert any(e.startswith("ChatPage:") for e in report.checked), "the walk should reach Send"
    assert _state(sandbox_oracle) == before
    routes = sandbox_oracle.http.get("/_sandbox/stats").json()["routes"]
    assert "GET /api/postings/{number}" in routes and "GET /app/messenger/" in routes, "the walk should look"
    writes = [r for r in routes if r.startswith(("POST /api/", "PUT /api/", "PATCH /api/", "DELETE /api/"))]
    assert writes == []


def test_live_check_should_report_drift_when_a_label_changes(portal: Portal, sandbox_oracle: Oracle,
                                                             tmp_path: Path) -> None:
    lang = portal.settings.lang
    sandbox_oracle.set_label(LANG_COOKIE[lang], EDIT_BUTTON_KEY, RENAMED[lang])

    report = check_ui(portal, tmp_path / "shots")

    assert not report.ok
    assert [(d.page_object, d.label, d.lang) for d in report.drift] == [
        ("PostingDetails", LABELS[lang].edit_tracking, lang)]
    assert f"UI drift: PostingDetails cannot find '{LABELS[lang].edit_tracking}' (lang={lang})" in str(report.drift[0])
    (shot,) = (Path(s) for s in report.screenshots)
    assert shot.read_bytes().startswith(PNG_SIGNATURE) and shot.stat().st_size > 10_000


@pytest.mark.skipif("config.getoption('base_url')", reason="checks the CLI on this process's own sandbox only")
def test_doctor_should_report_ui_drift_and_fail_when_a_label_changes(cli: Callable[..., Any], sandbox: Oracle) -> None:
    sandbox.set_label("ru", EDIT_BUTTON_KEY, RENAMED["ru"])

    result = cli("doctor", "--json")

    assert result.exit_code == 1, result.output
    assert "UI drift" in result.output
    checks = {c["check"]: c for c in json.loads(result.output)}
    assert not checks["portal ui"]["ok"]
    assert "UI drift: PostingDetails cannot find 'Указать или изменить трек-номер' (lang=ru)" in checks["portal ui"][
        "detail"]
    assert Path(checks["screenshot"]["detail"]).is_file()


def _state(oracle: Oracle) -> dict[str, Any]:
    """What a save or a send would change: every posting's number, service and saves; every open chat."""
    postings = oracle.postings(limit=1000)
    return {
        "postings": [(p["posting_number"], p["tracking_number"], p["carrier"], p["save_count"]) for p in postings],
        "messages": {p["posting_number"]: oracle.posting(p["posting_number"])["messages"]
                     for p in postings if p["chat_available"]},
    }
