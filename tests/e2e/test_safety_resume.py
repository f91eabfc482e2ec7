"""A resume must not touch what is settled: no new read, save, attempt row or buyer notice for it.

Counted where it happens: the sandbox counts drawer reads and save requests per posting, the chat holds the
messages the buyer got, the journal holds the attempt rows and notices.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from tests.conftest import Oracle
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e


def journal(settings: Settings, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(settings.journal_path) as db:
        return list(db.execute(sql, args))


def footprint(sandbox: Oracle, settings: Settings, number: str) -> dict[str, Any]:
    """Everything a run leaves on one posting: portal reads and saves, buyer messages, attempt rows, notices."""
    truth = sandbox.posting(number)
    return {
        "reads": truth["reads"],
        "save_requests": truth["save_requests"],
        "messages": len(truth["messages"]),
        "attempts": journal(settings, "SELECT count(*) FROM attempts a JOIN items i ON a.run_id=i.run_id"
                                      " AND a.seq=i.seq WHERE i.posting_number=?", number)[0][0],
        "notices": journal(settings, "SELECT count(*) FROM notices WHERE posting_number=?", number)[0][0],
    }


def test_resume_should_leave_settled_postings_alone_and_notify_each_buyer_once(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path
) -> None:
    chatty = [p for p in sandbox.postings(editable=True, chat=True, limit=40)][30:32]
    locked = sandbox.postings(editable=False, limit=1)[0]
    rows = [(chatty[0]["posting_number"], s10(13_300_001)), (locked["posting_number"], s10(13_300_002)),
            (chatty[1]["posting_number"], s10(13_300_003))]
    source = tmp_path / "c.csv"
    source.write_text("posting_number,tracking_number,notify\n" + "".join(f"{n},{t},yes\n" for n, t in rows),
                      encoding="utf-8")
    # The person saves the first and declines the last: a stopped run with a changed, a rejected and a pending row.
    first = cli("bulk", "apply", str(source), "--yes", "--confirm", "each", input="y\nn\n")
    assert first.exit_code == 3, first.output
    assert [o for (o,) in journal(agent_settings, "SELECT outcome FROM items ORDER BY seq")] == [
        "changed", "rejected", "pending"]
    settled = [rows[0][0], rows[1][0]]
    before = {n: footprint(sandbox, agent_settings, n) for n in settled}
    assert before[rows[0][0]]["messages"] == before[rows[0][0]]["notices"] == 1, "the first buyer was told once"
    run_id = journal(agent_settings, "SELECT id FROM runs WHERE kind='bulk'")[0][0]

    resumed = cli("bulk", "apply", "--resume", run_id)

    assert resumed.exit_code == 1, resumed.output  # the rejected row keeps exit 1
    assert {n: footprint(sandbox, agent_settings, n) for n in settled} == before
    assert [o for (o,) in journal(agent_settings, "SELECT outcome FROM items ORDER BY seq")] == [
        "changed", "rejected", "changed"]
    last = sandbox.posting(rows[2][0])
    assert last["tracking_number"] == rows[2][1] and last["save_count"] == 1
    assert [m for m in last["messages"] if m["author"] == "seller" and rows[2][1] in m["text"]], "told once"
    assert len(last["messages"]) == 1
