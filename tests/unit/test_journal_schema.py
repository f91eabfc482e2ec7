"""A journal written before signed approvals still opens: its runs and approvals are kept, the new columns added."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agent.core.journal.schema import ADDED_COLUMNS, connect, migrate
from agent.core.journal.store import Journal

#: The runs and approvals tables as the first journals had them (before principals and key fingerprints).
OLD_TABLES = """
CREATE TABLE runs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running', operator TEXT NOT NULL DEFAULT '', base_url TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '', plan_hash TEXT NOT NULL DEFAULT '', approved_by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE approvals (
    plan_hash TEXT NOT NULL, approved_by TEXT NOT NULL, planned_by TEXT NOT NULL DEFAULT '', at TEXT NOT NULL
);
INSERT INTO runs (id, kind, started_at, status, operator, plan_hash, approved_by)
    VALUES ('20261101-090000-bulk-ab12', 'bulk', '2026-11-01T09:00:00+00:00', 'done', 'li.wei', 'ab12', 'Anna');
INSERT INTO approvals (plan_hash, approved_by, planned_by, at) VALUES ('ab12', 'Anna', 'li.wei', '2026-11-01');
"""


def old_journal(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.executescript(OLD_TABLES)
    db.close()
    return path


def columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as db:
        found = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    db.close()
    return found


def test_an_old_journal_should_open_with_its_runs_and_approvals_and_gain_the_new_columns(tmp_path: Path) -> None:
    path = old_journal(tmp_path / "journal.sqlite")

    journal = Journal(path)
    run = journal.run("20261101-090000-bulk-ab12")
    approvals = journal.approvals("ab12")
    new = journal.start_run("bulk", approved_by="boris", approver_key="SHA256:b", planned_by="anna",
                            planner_key="SHA256:a")
    journal.add_approval("cd34", "boris", "anna", key_fingerprint="SHA256:b")
    journal.close()

    assert (run.approved_by, run.operator, run.approver_key, run.planned_by, run.planner_key) == (
        "Anna", "li.wei", "", "", "")
    assert approvals == [{"plan_hash": "ab12", "approved_by": "Anna", "planned_by": "li.wei", "at": "2026-11-01",
                          "key_fingerprint": ""}]
    reopened = Journal(path)
    assert reopened.run(new.id).model_dump(include={"approved_by", "approver_key", "planned_by", "planner_key"}) == {
        "approved_by": "boris", "approver_key": "SHA256:b", "planned_by": "anna", "planner_key": "SHA256:a"}
    assert reopened.approvals("cd34")[0]["key_fingerprint"] == "SHA256:b"
    reopened.close()
    for table, column, _ in ADDED_COLUMNS:
        assert columns(path, table).count(column) == 1, (table, column)


def test_a_new_journal_should_have_every_added_column_without_migrating(tmp_path: Path) -> None:
    db = connect(tmp_path / "journal.sqlite")
    before = db.total_changes
    migrate(db)  # nothing to add: no write at all
    assert db.total_changes == before
    db.close()
    for table, column, _ in ADDED_COLUMNS:
        assert column in columns(tmp_path / "journal.sqlite", table)


class LosesTheRace:
    """A connection to an old journal that another process migrates between our look and our transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql == "BEGIN IMMEDIATE":
            connect(self.path).close()  # the other process opens the journal first and adds the columns
        return self.db.execute(sql, *args)


def test_a_journal_migrated_by_another_process_meanwhile_should_get_each_column_once(tmp_path: Path) -> None:
    path = old_journal(tmp_path / "journal.sqlite")
    late = LosesTheRace(path)

    migrate(late)  # type: ignore[arg-type]
    late.db.close()

    assert columns(path, "runs")[-3:] == ["approver_key", "planned_by", "planner_key"]
    assert columns(path, "approvals")[-1] == "key_fingerprint"
