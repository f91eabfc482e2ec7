"""The journal's tables, and opening its SQLite file with them: WAL, one connection shared by every thread.

Every table and index is created ``IF NOT EXISTS``, so a journal written by an older version gains a later
table (``alert_state``: what alerts already told the seller) the first time it is opened, its rows untouched; a
later column is added to such a journal by :data:`ADDED_COLUMNS` (an ``ALTER TABLE`` guarded by
``PRAGMA table_info``), so that it still opens. The questions asked of the tables are in
:mod:`agent.core.journal.store`; the leases keep their own table (:mod:`agent.core.journal.leases`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    operator TEXT NOT NULL DEFAULT '',
    base_url TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    plan_hash TEXT NOT NULL DEFAULT '',
    approved_by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    approver_key TEXT NOT NULL DEFAULT '',
    planned_by TEXT NOT NULL DEFAULT '',
    planner_key TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS items (
    run_id TEXT NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    row_number INTEGER,
    posting_number TEXT NOT NULL,
    request TEXT NOT NULL,
    new_tracking TEXT NOT NULL DEFAULT '',
    carrier TEXT,
    reason TEXT NOT NULL DEFAULT '',
    old_tracking TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'pending',
    error TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '[]',
    notified TEXT NOT NULL DEFAULT '',
    warnings TEXT NOT NULL DEFAULT '[]',
    save_started_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS items_posting ON items(posting_number);
CREATE INDEX IF NOT EXISTS items_tracking ON items(new_tracking);
CREATE TABLE IF NOT EXISTS attempts (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    n INTEGER NOT NULL,
    at TEXT NOT NULL,
    result TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id TEXT NOT NULL,
    posting_number TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    delivered INTEGER NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS approvals (
    plan_hash TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    planned_by TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS approvals_hash ON approvals(plan_hash);
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL,
    posting_number TEXT NOT NULL,
    rule TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    tracking_number TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS findings_run ON findings(run_id);
CREATE TABLE IF NOT EXISTS alert_state (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
"""

#: Columns added since the first journals, oldest first: (table, column, declaration). Signed approvals (who
#: approved and planned a run, by principal, with which key) came after the first journals were written.
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("runs", "approver_key", "TEXT NOT NULL DEFAULT ''"),
    ("runs", "planned_by", "TEXT NOT NULL DEFAULT ''"),
    ("runs", "planner_key", "TEXT NOT NULL DEFAULT ''"),
    ("approvals", "key_fingerprint", "TEXT NOT NULL DEFAULT ''"),
)


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def migrate(db: sqlite3.Connection) -> None:
    """Add the columns a journal written by an older version lacks; a current journal is left as it is.

    In one write transaction, looking again inside it: two processes opening the same old journal at once
    add each column once (the second finds it there).
    """
    if all(column in _columns(db, table) for table, column, _ in ADDED_COLUMNS):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for table, column, declaration in ADDED_COLUMNS:
            if column not in _columns(db, table):
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create, with its folder) the journal at ``path``, its tables in place.

    Autocommit (each statement commits at once; :class:`~agent.core.journal.Journal` opens transactions
    itself), WAL so readers never block the writer, and a 30 s wait on a lock held by another process.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    migrate(db)
    return db
