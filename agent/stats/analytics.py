"""Change analytics over the journal: why numbers change, where changes fail, how long a change takes.

Sellers read it to find the cause of frequent changes: a carrier whose numbers are often replaced, a
reason that keeps coming back (a data-entry step), postings changed again and again. Pure functions over
journal items (``Journal.history()``); rendering lives in ``stats_report.py``.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, Field

from agent.core.i18n import N_
from agent.core.journal.rows import ItemRecord
from agent.core.records import Outcome

#: Keys of changes without a carrier or a reason: English in JSON and CSV, translated where people read them.
NO_CARRIER = N_("(unknown)")
NO_REASON = N_("(no reason given)")
_POSTING = re.compile(r"\b\d{8,10}-\d{4}-\d+\b")
_NUMBER = re.compile(r"\b(?=[A-Z0-9-]*\d)[A-Z0-9-]{8,}\b")  # a tracking number: long, upper case, with digits
_QUOTED = re.compile(r"«[^»]*»|'[^']*'|\"[^\"]*\"")
_DIGITS = re.compile(r"\b\d+\b")


class Count(BaseModel):
    """One bar of a chart: a key and how many."""

    key: str
    count: int


class Cause(BaseModel):
    """A kind of failure: the error with its particulars (numbers, postings) taken out."""

    cause: str
    outcome: str
    count: int
    example: str  # one real error message of this kind


class Durations(BaseModel):
    """Time per change (start of work on a posting to its outcome), over ``changed`` items, in seconds."""

    count: int = 0
    mean_s: float | None = None
    median_s: float | None = None


class ChangeStats(BaseModel):
    """Every figure of ``ozon-rpa stats``."""

    since: str | None = None
    items: int = 0
    outcomes: dict[str, int] = Field(default_factory=dict)
    by_carrier: list[Count] = Field(default_factory=list)
    by_reason: list[Count] = Field(default_factory=list)
    changed_more_than_once: list[Count] = Field(default_factory=list)
    failure_causes: list[Cause] = Field(default_factory=list)
    time_per_change: Durations = Field(default_factory=Durations)


def cause_of(error: str) -> str:
    """The kind of an error message: posting numbers, tracking numbers, quotes and numbers replaced."""
    text = _POSTING.sub("<posting>", error.strip())
    text = _QUOTED.sub("<…>", text)
    text = _NUMBER.sub("<number>", text)
    return _DIGITS.sub("<n>", text) or "(no message)"


def _seconds(item: ItemRecord) -> float | None:
    try:
        start = datetime.fromisoformat(item.started_at or "")
        end = datetime.fromisoformat(item.finished_at or "")
    except ValueError:
        return None
    return max(0.0, (end - start).total_seconds())


def _ranked(counter: Counter[str]) -> list[Count]:
    return [Count(key=k, count=n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def change_stats(items: Iterable[ItemRecord], since: str | None = None) -> ChangeStats:
    """Compute every figure from finished journal items (pass ``Journal.history(since=...)``)."""
    items = [i for i in items if i.finished_at is not None]
    changed = [i for i in items if i.outcome == Outcome.CHANGED]
    outcomes = Counter(i.outcome.value for i in items)
    per_posting = Counter(i.posting_number for i in changed)
    causes: dict[tuple[str, str], list[str]] = {}
    for item in items:
        if item.outcome in (Outcome.FAILED, Outcome.REJECTED):
            causes.setdefault((cause_of(item.error), item.outcome.value), []).append(item.error)
    durations = [d for d in (_seconds(i) for i in changed) if d is not None]
    return ChangeStats(
        since=since,
        items=len(items),
        outcomes={o.value: outcomes.get(o.value, 0) for o in Outcome},
        by_carrier=_ranked(Counter(i.carrier or NO_CARRIER for i in changed)),
        by_reason=_ranked(Counter(i.reason.strip() or NO_REASON for i in changed)),
        changed_more_than_once=[c for c in _ranked(per_posting) if c.count > 1],
        failure_causes=sorted(
            (Cause(cause=cause, outcome=outcome, count=len(errors), example=errors[0])
             for (cause, outcome), errors in causes.items()),
            key=lambda c: (-c.count, c.cause)),
        time_per_change=Durations(
            count=len(durations),
            mean_s=round(statistics.fmean(durations), 3) if durations else None,
            median_s=round(statistics.median(durations), 3) if durations else None),
    )


def stats_rows(stats: ChangeStats) -> list[tuple[str, str, str]]:
    """Every figure as (section, key, value): the CSV form, one figure a line."""
    rows: list[tuple[str, str, str]] = [("summary", "items", str(stats.items))]
    rows += [("outcome", k, str(v)) for k, v in stats.outcomes.items()]
    rows += [("carrier", c.key, str(c.count)) for c in stats.by_carrier]
    rows += [("reason", c.key, str(c.count)) for c in stats.by_reason]
    rows += [("changed_more_than_once", c.key, str(c.count)) for c in stats.changed_more_than_once]
    rows += [(f"failure_cause:{c.outcome}", c.cause, str(c.count)) for c in stats.failure_causes]
    timing = stats.time_per_change
    rows += [("time_per_change", "count", str(timing.count)),
             ("time_per_change", "mean_s", "" if timing.mean_s is None else f"{timing.mean_s:.3f}"),
             ("time_per_change", "median_s", "" if timing.median_s is None else f"{timing.median_s:.3f}")]
    return rows
