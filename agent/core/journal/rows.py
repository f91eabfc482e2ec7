"""What the journal holds, as records: a run and one posting in it, with the clock and run ids they use."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from agent.core.records import ChangeRequest, Outcome


def now_iso() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_run_id(kind: str) -> str:
    """A sortable, readable run id: ``20261126-073000-change-1a2b``."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{kind}-{uuid.uuid4().hex[:4]}"


class RunRecord(BaseModel):
    """One run of the agent (a change, a bulk apply, a watch scan)."""

    id: str
    kind: str
    started_at: str
    finished_at: str | None = None
    status: str = "running"  # running, done, aborted
    operator: str = ""
    base_url: str = ""
    source: str = ""
    plan_hash: str = ""
    approved_by: str = ""  # the approver's principal (a signed approval) or the name typed with --by
    note: str = ""
    approver_key: str = ""  # the approval's key fingerprint (SHA256:...); "" for a typed name
    planned_by: str = ""  # the planner's principal (a signed plan) or name
    planner_key: str = ""  # the plan's signing key fingerprint


class ItemRecord(BaseModel):
    """One posting of a run, as the journal knows it."""

    run_id: str
    seq: int
    row_number: int | None = None
    posting_number: str
    request: ChangeRequest
    new_tracking: str = ""
    carrier: str | None = None
    reason: str = ""
    old_tracking: str = ""
    outcome: Outcome = Outcome.PENDING
    error: str = ""
    attempts: int = 0
    evidence: list[str] = Field(default_factory=list)
    notified: str = ""
    warnings: list[str] = Field(default_factory=list)
    save_started_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None

    @property
    def done(self) -> bool:
        """Whether a resume must leave this posting alone."""
        return self.outcome in (Outcome.CHANGED, Outcome.UNCHANGED, Outcome.REJECTED) or (
            self.outcome == Outcome.PENDING and self.request.pending and self.finished_at is not None
        )
