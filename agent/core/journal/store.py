"""The run journal: every run, every posting in it, every attempt and notice, in SQLite (WAL).

Watch scans are runs of kind ``watch``; what each one flagged is in ``findings``; what alerts already told
the seller (so that each thing is told once) is in ``alert_state``.
The journal is written *before* anything is reported: a row is added as ``pending`` when a run starts,
``save_started`` is stamped right before the Save click (so a resume after a crash knows the save may have
landed and reads the portal first), and the outcome is written before the CLI or the report says it.
One connection with a lock serves every worker thread; each statement commits at once.
The tables, and opening the file, are in :mod:`agent.core.journal.schema`; this module asks the questions; the
records it answers with are in :mod:`agent.core.journal.rows`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.core.journal.rows import ItemRecord, RunRecord, new_run_id, now_iso
from agent.core.journal.schema import connect
from agent.core.records import ChangeRequest, ChangeResult


class Journal:
    """The SQLite journal in the state dir. Safe to share between worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = connect(path)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _exec(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- runs ---------------------------------------------------------------------------------------

    def start_run(self, kind: str, *, operator: str = "", base_url: str = "", source: str = "",
                  plan_hash: str = "", approved_by: str = "", approver_key: str = "", planned_by: str = "",
                  planner_key: str = "", run_id: str | None = None) -> RunRecord:
        """Open a run and return it (a bulk run with who planned and approved it, and their keys)."""
        run = RunRecord(id=run_id or new_run_id(kind), kind=kind, started_at=now_iso(), operator=operator,
                        base_url=base_url, source=source, plan_hash=plan_hash, approved_by=approved_by,
                        approver_key=approver_key, planned_by=planned_by, planner_key=planner_key)
        row = run.model_dump(exclude={"finished_at", "status", "note"})
        self._exec(f"INSERT INTO runs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
        return run

    def reopen_run(self, run_id: str) -> RunRecord:
        """Mark a stopped run as running again (a resume)."""
        self._exec("UPDATE runs SET status='running', finished_at=NULL WHERE id=?", (run_id,))
        return self.run(run_id)

    def finish_run(self, run_id: str, status: str, note: str = "") -> None:
        """Close a run as ``done`` or ``aborted``."""
        self._exec("UPDATE runs SET status=?, finished_at=?, note=? WHERE id=?",
                   (status, now_iso(), note, run_id))

    def run(self, run_id: str) -> RunRecord:
        """One run; KeyError when there is none."""
        rows = self._exec("SELECT * FROM runs WHERE id=?", (run_id,))
        if not rows:
            raise KeyError(run_id)
        return RunRecord(**dict(rows[0]))

    def runs(self, kind: str | None = None, limit: int = 50) -> list[RunRecord]:
        """The newest runs first."""
        sql = "SELECT * FROM runs" + (" WHERE kind=?" if kind else "") + " ORDER BY started_at DESC LIMIT ?"
        params: tuple[Any, ...] = (kind, limit) if kind else (limit,)
        return [RunRecord(**dict(r)) for r in self._exec(sql, params)]

    # -- items --------------------------------------------------------------------------------------

    def add_items(self, run_id: str, requests: Sequence[ChangeRequest], start_seq: int = 0) -> None:
        """Write every posting of a run as ``pending`` before any work starts: no row can be lost."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO items (run_id, seq, row_number, posting_number, request, new_tracking, carrier,"
                " reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, start_seq + i, r.row_number, r.posting_number or r.label, r.model_dump_json(),
                  r.new_tracking, r.carrier, r.reason) for i, r in enumerate(requests)],
            )

    def items(self, run_id: str) -> list[ItemRecord]:
        """The postings of a run, in input order."""
        return [self._item(r) for r in self._exec("SELECT * FROM items WHERE run_id=? ORDER BY seq", (run_id,))]

    def item(self, run_id: str, seq: int) -> ItemRecord:
        """One posting of a run."""
        rows = self._exec("SELECT * FROM items WHERE run_id=? AND seq=?", (run_id, seq))
        if not rows:
            raise KeyError((run_id, seq))
        return self._item(rows[0])

    @staticmethod
    def _item(row: sqlite3.Row) -> ItemRecord:
        data = dict(row)
        data["request"] = ChangeRequest.model_validate_json(data["request"])
        data["evidence"] = json.loads(data["evidence"])
        data["warnings"] = json.loads(data["warnings"])
        return ItemRecord(**data)

    def mark_started(self, run_id: str, seq: int, posting_number: str = "") -> None:
        """Stamp the start of work on a posting (and its number, once a search found it)."""
        self._exec(
            "UPDATE items SET started_at=COALESCE(started_at, ?),"
            " posting_number=CASE WHEN ?='' THEN posting_number ELSE ? END WHERE run_id=? AND seq=?",
            (now_iso(), posting_number, posting_number, run_id, seq),
        )

    def mark_save_started(self, run_id: str, seq: int, old_tracking: str) -> None:
        """Write-ahead mark, right before the Save click: the save may land from now on."""
        self._exec("UPDATE items SET save_started_at=?, old_tracking=? WHERE run_id=? AND seq=?",
                   (now_iso(), old_tracking, run_id, seq))

    def record_attempt(self, run_id: str, seq: int, n: int, result: str, error: str = "") -> None:
        """One try at a posting (retries make several)."""
        with self._tx() as db:
            db.execute("INSERT INTO attempts (run_id, seq, n, at, result, error) VALUES (?, ?, ?, ?, ?, ?)",
                       (run_id, seq, n, now_iso(), result, error))
            db.execute("UPDATE items SET attempts=MAX(attempts, ?) WHERE run_id=? AND seq=?", (n, run_id, seq))

    def finish_item(self, run_id: str, seq: int, result: ChangeResult) -> None:
        """Write a posting's outcome. Called before the outcome is shown to anyone."""
        self._exec(
            "UPDATE items SET posting_number=CASE WHEN ?='' THEN posting_number ELSE ? END, outcome=?,"
            " old_tracking=?, new_tracking=?, carrier=?, error=?, attempts=MAX(attempts, ?), evidence=?,"
            " notified=?, warnings=?, finished_at=? WHERE run_id=? AND seq=?",
            (result.posting_number, result.posting_number, result.outcome.value, result.old_tracking,
             result.new_tracking, result.carrier, result.error, result.attempts, json.dumps(result.evidence),
             result.notified, json.dumps(result.warnings, ensure_ascii=False), now_iso(), run_id, seq),
        )

    def add_warning(self, run_id: str, seq: int, warning: str) -> None:
        """Add a warning to a posting that may already have its outcome (evidence learned after the fact)."""
        with self._tx() as db:
            row = db.execute("SELECT warnings FROM items WHERE run_id=? AND seq=?", (run_id, seq)).fetchone()
            if row is None:
                return
            warnings = json.loads(row["warnings"])
            if warning not in warnings:
                db.execute("UPDATE items SET warnings=? WHERE run_id=? AND seq=?",
                           (json.dumps([*warnings, warning], ensure_ascii=False), run_id, seq))

    def set_notified(self, run_id: str, seq: int, notified: str) -> None:
        """Record whether the buyer's notice went out."""
        self._exec("UPDATE items SET notified=? WHERE run_id=? AND seq=?", (notified, run_id, seq))

    # -- questions across runs ------------------------------------------------------------------------

    def history(self, posting_number: str | None = None, since: str | None = None) -> list[ItemRecord]:
        """Changes that ended (any outcome but pending-not-reached), newest first."""
        sql = "SELECT * FROM items WHERE finished_at IS NOT NULL"
        params: list[Any] = []
        if posting_number:
            sql += " AND posting_number=?"
            params.append(posting_number)
        if since:
            sql += " AND finished_at>=?"
            params.append(since)
        return [self._item(r) for r in self._exec(sql + " ORDER BY finished_at DESC", params)]

    def postings_with_tracking(self, number: str, exclude_posting: str = "") -> list[str]:
        """Postings the journal last set to ``number`` (for the duplicate-number rule)."""
        rows = self._exec(
            "SELECT DISTINCT posting_number FROM items WHERE new_tracking=? AND outcome IN ('changed','unchanged')"
            " AND posting_number<>?",
            (number, exclude_posting),
        )
        return [r["posting_number"] for r in rows]

    # -- notices ---------------------------------------------------------------------------------------

    def add_notice(self, run_id: str, posting_number: str, kind: str, text: str, delivered: bool,
                   why: str = "") -> None:
        """Keep every notice to a buyer, delivered or not (an undelivered one can go another way)."""
        self._exec(
            "INSERT INTO notices (run_id, posting_number, kind, text, delivered, why, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run_id, posting_number, kind, text, int(delivered), why, now_iso()),
        )

    def notices(self, posting_number: str | None = None, delivered: bool | None = None) -> list[dict[str, Any]]:
        """Notices to buyers, newest first."""
        sql, params = "SELECT * FROM notices WHERE 1=1", list[Any]()
        if posting_number:
            sql += " AND posting_number=?"
            params.append(posting_number)
        if delivered is not None:
            sql += " AND delivered=?"
            params.append(int(delivered))
        return [dict(r) for r in self._exec(sql + " ORDER BY id DESC", params)]

    # -- approvals -------------------------------------------------------------------------------------

    def add_approval(self, plan_hash: str, approved_by: str, planned_by: str, key_fingerprint: str = "") -> None:
        """Record that ``approved_by`` approved the plan with this content hash (made by ``planned_by``): a typed
        name (a single user's note), or a signed approval (its file travels with the plan) with its key."""
        self._exec("INSERT INTO approvals (plan_hash, approved_by, planned_by, at, key_fingerprint)"
                   " VALUES (?, ?, ?, ?, ?)", (plan_hash, approved_by, planned_by, now_iso(), key_fingerprint))

    def approvals(self, plan_hash: str) -> list[dict[str, Any]]:
        """The approvals of a plan hash, oldest first."""
        rows = self._exec("SELECT plan_hash, approved_by, planned_by, at, key_fingerprint FROM approvals"
                          " WHERE plan_hash=? ORDER BY at, rowid", (plan_hash,))
        return [dict(r) for r in rows]

    # -- findings of watch scans -----------------------------------------------------------------------

    _FINDING_COLUMNS = ("posting_number", "rule", "detail", "status", "tracking_number")

    def add_findings(self, run_id: str, findings: Sequence[Mapping[str, Any]]) -> None:
        """Record what a watch scan flagged (one row per posting and reason), all at once."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO findings (run_id, posting_number, rule, detail, status, tracking_number)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(run_id, *(str(f.get(c, "")) for c in self._FINDING_COLUMNS)) for f in findings],
            )

    def findings(self, run_id: str) -> list[dict[str, Any]]:
        """What a watch scan flagged, in the order it was recorded."""
        rows = self._exec("SELECT posting_number, rule, detail, status, tracking_number FROM findings"
                          " WHERE run_id=? ORDER BY rowid", (run_id,))
        return [dict(r) for r in rows]

    # -- what alerts already told (agent/alerts) -------------------------------------------------------

    def alert_state(self, scope: str) -> dict[str, str]:
        """What was last told about each key of ``scope`` (e.g. a posting and its flags), as it was recorded."""
        rows = self._exec("SELECT key, state FROM alert_state WHERE scope=?", (scope,))
        return {r["key"]: r["state"] for r in rows}

    def set_alert_state(self, scope: str, states: Mapping[str, str | None]) -> None:
        """Record what was told about these keys of ``scope``, all at once (``None`` forgets a key)."""
        with self._tx() as db:
            for key, state in states.items():
                if state is None:
                    db.execute("DELETE FROM alert_state WHERE scope=? AND key=?", (scope, key))
                else:
                    db.execute("INSERT OR REPLACE INTO alert_state (scope, key, state, at) VALUES (?, ?, ?, ?)",
                               (scope, key, state, now_iso()))
