"""One plan, one run at a time: leases on plans and postings, held for the life of the process that applies them.

Two parts, both off the shelf rather than a protocol of our own:

- an **OS file lock** on ``STATE_DIR/locks/<run>.lock`` (``filelock``: ``flock`` on Linux and macOS, ``LockFileEx``
  through ``msvcrt.locking`` on Windows), taken first and held until the run ends. The OS drops it when the process
  ends in any way (a crash, ``kill -9``, Task Manager's "End task"), so "is that run still going?" is answered by
  trying to take its lock, not by guessing from a pid that may have been reused;
- a **lease table** in the journal's SQLite (``leases``: run, plan hash, posting, host, pid), claimed in one
  ``BEGIN IMMEDIATE`` write transaction, so two processes starting at the same instant are serialized: the
  second sees the first's rows, finds its lock held, and is refused with its run id, host and pid (exit 3).

A holder whose lock can be taken is provably gone: its rows are cleared and the claim goes ahead (a crashed run
stays resumable: its journal is untouched). A holder on another host cannot be checked from here and is treated
as alive.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from filelock import BaseFileLock, FileLock, Timeout

from agent.core.errors import RunInProgress
from agent.core.i18n import _
from agent.core.journal.rows import now_iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS leases (
    holder TEXT NOT NULL,
    kind TEXT NOT NULL,
    plan_hash TEXT NOT NULL DEFAULT '',
    posting_number TEXT NOT NULL DEFAULT '',
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leases_holder ON leases(holder);
"""


@dataclass(frozen=True)
class Holder:
    """Who holds a lease: a run id (or a ``change`` of one posting), on which host, in which process."""

    holder: str
    kind: str
    host: str
    pid: int

    def describe(self) -> str:
        """How the refusal names it."""
        what = (_("run {run}", run=self.holder) if self.kind == "bulk"
                else _("`ozon-rpa change` ({holder})", holder=self.holder))
        return _("{what} on host {host}, pid {pid}", what=what, host=self.host, pid=self.pid)


def _lock_path(locks_dir: Path, holder: str) -> Path:
    return locks_dir / f"{holder}.lock"


def _try_lock(path: Path) -> BaseFileLock | None:
    """``path``'s exclusive lock, held, or None when another open file (another process, or another lease of this
    one) holds it. Never waits: a run that is still going is refused at once."""
    lock = FileLock(path, mode=0o600, thread_local=False)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        return None
    return lock


def _alive(locks_dir: Path, holder: Holder, host: str) -> bool:
    """Whether a holder's process still runs: its lock is held (same host), or we cannot tell (another host)."""
    if holder.host != host:
        return True
    path = _lock_path(locks_dir, holder.holder)
    if not path.exists():
        return False  # released (or never written): nobody holds it
    lock = _try_lock(path)
    if lock is None:
        return path.exists()  # held by a live process (or released and removed meanwhile)
    lock.release()  # we could take it: its process is gone
    return False


class Lease:
    """A claim on a plan and its postings (``kind`` ``bulk``) or on one posting (``change``), as a context manager.

    >>> with Lease(state_dir, journal_path, "20261128-bulk-1a2b", "bulk", plan_hash=h, postings=numbers):
    ...     apply the run
    """

    def __init__(self, locks_dir: Path, journal_path: Path, holder: str, kind: str, *, plan_hash: str = "",
                 postings: Iterable[str] = ()) -> None:
        self.locks_dir = locks_dir
        self.journal_path = journal_path
        self.holder = holder
        self.kind = kind
        self.plan_hash = plan_hash
        self.postings = sorted({p for p in postings if p})
        self.host = socket.gethostname()
        self._lock: BaseFileLock | None = None

    def acquire(self) -> Lease:
        """Take the run's file lock, then claim the plan and postings in one write transaction.

        Raises:
            RunInProgress: a live run (or change) holds this plan, one of these postings, or this very run.
        """
        self.locks_dir.mkdir(parents=True, exist_ok=True)
        lock = _try_lock(_lock_path(self.locks_dir, self.holder))
        if lock is None:
            others = [h for h in self._holders() if h.holder == self.holder]
            raise RunInProgress(self._refusal(others[0] if others else
                                              Holder(self.holder, self.kind, self.host, 0), "this run"))
        self._lock = lock
        try:
            self._claim()
        except BaseException:
            self._unlock()
            raise
        return self

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.journal_path, isolation_level=None, timeout=30)
        db.executescript(SCHEMA)
        return db

    def _holders(self) -> list[Holder]:
        db = self._connect()
        try:
            rows = db.execute("SELECT DISTINCT holder, kind, host, pid FROM leases").fetchall()
        finally:
            db.close()
        return [Holder(*row) for row in rows]

    def _claim(self) -> None:
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")  # one claimant at a time: the second sees the first's rows
            try:
                self._claim_in(db)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    def _claim_in(self, db: sqlite3.Connection) -> None:
        wanted = set(self.postings)
        rows = db.execute("SELECT holder, kind, host, pid, plan_hash, posting_number FROM leases"
                          " WHERE holder<>?", (self.holder,)).fetchall()
        conflicts: dict[Holder, str] = {}
        for holder, kind, host, pid, plan_hash, posting in rows:
            who = Holder(holder, kind, host, pid)
            if self.plan_hash and plan_hash == self.plan_hash and not posting:
                conflicts.setdefault(who, _("this plan"))
            elif posting and posting in wanted:
                conflicts.setdefault(who, _("posting {posting}", posting=posting))
        for who, what in conflicts.items():
            if _alive(self.locks_dir, who, self.host):
                raise RunInProgress(self._refusal(who, what))
            db.execute("DELETE FROM leases WHERE holder=?", (who.holder,))  # provably gone: a crash, resumable
        db.execute("DELETE FROM leases WHERE holder=?", (self.holder,))  # our own rows from a crashed earlier try
        at, pid = now_iso(), os.getpid()
        entries = [(self.plan_hash, "")] if self.plan_hash else []
        entries += [("", posting) for posting in self.postings]
        db.executemany("INSERT INTO leases (holder, kind, plan_hash, posting_number, host, pid, at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [(self.holder, self.kind, plan_hash, posting, self.host, pid, at)
                        for plan_hash, posting in entries])

    def _refusal(self, who: Holder, what: str) -> str:
        return _("{what} is being applied by {who}; not starting a second one. Wait for it to end "
                 "(or stop it: Ctrl-C leaves it resumable); once its process has ended this command can run",
                 what=what, who=who.describe())

    def release(self) -> None:
        """Drop the claim and the lock (also done by the OS when the process dies)."""
        if self._lock is None:
            return
        try:
            db = self._connect()
            try:
                db.execute("DELETE FROM leases WHERE holder=?", (self.holder,))
            finally:
                db.close()
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
            try:  # tidy: a missing lock file means "ended" to _alive; Windows refuses while another process has it open
                _lock_path(self.locks_dir, self.holder).unlink(missing_ok=True)
            except OSError:
                pass

    def __enter__(self) -> Lease:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
