"""Typed records shared by scenarios, the runner, the journal and the reports.

The outcome words are the product's vocabulary, the same everywhere (CLI, journal, results, reports).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, Field


class Outcome(StrEnum):
    """How one posting ended in a run."""

    CHANGED = "changed"  # the portal now shows the new number, read back after saving
    UNCHANGED = "unchanged"  # it already had that number: nothing saved
    REJECTED = "rejected"  # a business rule said no: never retried
    FAILED = "failed"  # the portal or the browser failed after retries
    PENDING = "pending"  # not reached (aborted, interrupted) or the carrier has no number yet


class ExitCode:
    """Process exit codes of every command."""

    OK = 0  # all changed / unchanged
    SOME_FAILED = 1  # any rejected / failed (or watch flagged something)
    BAD_INPUT = 2  # bad usage or unreadable input, nothing touched
    ABORTED = 3  # anti-bot, circuit breaker, a person stopped it: resumable


def exit_code_for(outcomes: Iterable[Outcome | str], *, aborted: bool = False) -> int:
    """The exit code a run ends with, from its outcomes."""
    if aborted:
        return ExitCode.ABORTED
    values = {Outcome(o) for o in outcomes}
    if values & {Outcome.REJECTED, Outcome.FAILED}:
        return ExitCode.SOME_FAILED
    return ExitCode.OK


class Lookup(StrEnum):
    """How the caller names the posting."""

    NUMBER = "number"
    BUYER = "buyer"
    KEYWORD = "keyword"


class ChangeRequest(BaseModel):
    """One posting to change: what the caller wants."""

    posting_number: str = ""  # empty when found by buyer or keyword
    new_tracking: str = ""  # normalized; empty only when ``pending``
    carrier: str | None = None
    reason: str = ""
    notify: bool = False
    lookup: Lookup = Lookup.NUMBER
    query: str = ""  # the buyer name or keyword, with lookup BUYER / KEYWORD
    expected_items: dict[str, int] | None = None  # SKU -> quantity
    expected_address: str | None = None
    force: bool = False  # accept a number that fails its check digit
    allow_duplicate: bool = False  # accept a number already on another posting
    pending: bool = False  # the carrier has no number yet: record and (optionally) tell the buyer
    row_number: int | None = None  # input file row, for bulk runs
    #: What the approved plan saw on the posting (number, carrier code): a posting that shows anything else
    #: when the run reaches it was changed by someone since, and is not overwritten. None: no expectation.
    expect_old_tracking: str | None = None
    expect_old_carrier: str | None = None
    #: Replace the number even when the posting changed since the plan (``--overwrite-changed``).
    overwrite_changed: bool = False

    @property
    def label(self) -> str:
        """How to name this request in messages."""
        return self.posting_number or f"{self.lookup.value}:{self.query}"


class PostingSnapshot(BaseModel):
    """What the portal shows of a posting in its drawer."""

    posting_number: str
    status: str = ""  # code, e.g. ``delivering``
    status_text: str = ""
    status_since: str = ""  # ISO 8601: when the posting entered its status ("" when the portal does not say)
    scheme: str = ""
    carrier: str = ""  # code
    carrier_text: str = ""
    tracking_number: str = ""  # empty when not set
    ship_by: str = ""  # ISO 8601 shipment deadline ("" when the portal does not say)
    buyer: str = ""
    address: str = ""
    items: dict[str, int] = Field(default_factory=dict)  # SKU -> quantity
    editable: bool = False
    not_editable_reason: str = ""
    chat_available: bool = False
    chat_unavailable_reason: str = ""


class ChangeResult(BaseModel):
    """How one change ended, with its evidence."""

    posting_number: str
    outcome: Outcome
    old_tracking: str = ""
    new_tracking: str = ""
    carrier: str | None = None
    error: str = ""
    attempts: int = 0
    evidence: list[str] = Field(default_factory=list)
    notified: str = ""  # "", "sent", "undelivered: <why>"
    warnings: list[str] = Field(default_factory=list)


class ListedPosting(BaseModel):
    """What the orders list shows of a posting in its row (no drawer opened)."""

    posting_number: str
    order_date: str = ""  # ISO 8601, "" when unreadable
    status: str = ""  # code
    carrier: str = ""  # code
    tracking_number: str = ""  # empty when not set
