"""The plan of a supervised bulk edit: what will change, sealed by a content hash that planner and approver sign.

One person plans (the input file plus each posting's state, read from the portal without touching it), another
approves the plan's *hash*, the runner applies exactly that: an edit after planning or approval changes the hash
and stops the run before anything is touched. May it run? :mod:`agent.bulk.plan_checks`, :mod:`agent.bulk.approval`.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from agent.bulk.ssh_signatures import Signed
from agent.core.errors import InputError
from agent.core.i18n import _
from agent.core.journal.rows import now_iso

Action = Literal["change", "unchanged", "rejected", "pending"]
#: 2: rows carry when their posting was read (``read_at``) and plans carry ``overwrite_changed``.
PLAN_VERSION = 2


class PlanRow(BaseModel):
    """One input row with the posting's state at planning time and what the run will do with it."""

    row_number: int | None = None
    posting_number: str
    new_tracking: str = ""
    carrier: str | None = None
    reason: str = ""
    notify: bool = False
    pending: bool = False
    force: bool = False  # the number failed its check digit and was accepted with --force
    expected_items: dict[str, int] | None = None
    expected_address: str | None = None
    old_tracking: str = ""  # as read from the portal; "" when unknown or not set
    current_carrier: str = ""
    status: str = ""
    read_at: str = ""  # when the portal was read for this row (ISO 8601, UTC); "" when it was not read
    action: Action = "change"
    why: str = ""
    warnings: list[str] = Field(default_factory=list)
    original: dict[str, str] = Field(default_factory=dict)


class Plan(BaseModel):
    """A plan file: provenance, the input's column order and one row per input row."""

    version: int = PLAN_VERSION
    created_at: str = Field(default_factory=now_iso)
    created_by: str = ""
    source: str = ""
    source_sha256: str = ""
    base_url: str = ""
    columns: list[str] = Field(default_factory=list)
    #: Replace numbers that changed since the plan read them. Part of the sealed content: approving the plan
    #: approves overwriting other people's changes.
    overwrite_changed: bool = False
    rows: list[PlanRow] = Field(default_factory=list)
    content_hash: str = ""
    #: The planner's SSH signature of ``content_hash`` (:mod:`agent.bulk.approval`), outside what it signs.
    signature: Signed | None = None

    def seal(self) -> Plan:
        """Set ``content_hash`` from the current content and return the plan."""
        self.content_hash = compute_hash(self)
        return self

    @property
    def changed_since_sealed(self) -> bool:
        """Whether the content no longer matches its hash (or the plan was never sealed)."""
        return not verify_plan(self)

    def counts(self) -> dict[str, int]:
        """Rows by action, for a summary before approval."""
        counts = dict.fromkeys(("change", "unchanged", "pending", "rejected"), 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts


def compute_hash(plan: Plan) -> str:
    """SHA-256 of a canonical JSON of everything that decides what a run does.

    Everything is covered except ``created_at``, ``content_hash`` itself and its ``signature``: the rows
    (numbers, carriers, notify, actions, expected content, the state the approver saw), the source file's
    digest, the base URL, and ``created_by`` (else renaming the planner would get around the four-eyes rule).

    Args:
        plan: the plan.

    Returns:
        The hex digest; the same content always gives the same digest.
    """
    data = plan.model_dump(mode="json", exclude={"created_at", "content_hash", "signature"})
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify_plan(plan: Plan) -> bool:
    """Whether the plan is sealed and unchanged since (its stored hash matches its content)."""
    return bool(plan.content_hash) and compute_hash(plan) == plan.content_hash


def save_plan(plan: Plan, path: Path) -> None:
    """Write the plan as UTF-8 JSON (readable, indented), atomically.

    Args:
        plan: the plan; seal it first if it is to be approved.
        path: the plan file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # a crash leaves the old plan or the new one, never half a file


def load_plan(path: Path) -> Plan:
    """Read a plan file. Use ``verify_plan`` (or ``plan.changed_since_sealed``) to see if it was edited.

    Args:
        path: the plan file.

    Returns:
        The plan as stored.

    Raises:
        InputError: the file is missing, unreadable, not JSON, or not a plan (names the file).
    """
    path = Path(path)
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InputError(_("{file}: no such plan file", file=path.name)) from err
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise InputError(_("{file}: not a readable plan file: {why}", file=path.name, why=err)) from err
    if not isinstance(data, dict):
        raise InputError(_("{file}: not a plan file (expected a JSON object)", file=path.name))
    if data.get("version", PLAN_VERSION) != PLAN_VERSION:
        raise InputError(_("{file}: plan version {version} is not supported (this agent reads version {ours}); "
                           "plan again", file=path.name, version=repr(data.get("version")), ours=PLAN_VERSION))
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(_("{file}: not a valid plan file: {where}: {why}", file=path.name, where=where,
                           why=first["msg"])) from err
