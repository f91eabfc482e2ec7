"""The status watch's rules: which postings look abnormal, and why. Pure functions, no browser.

Two sources feed them. What the portal shows (list rows, and drawers for the few postings that need one)::

    overdue_no_tracking  seller-delivered (non_integrated / 3pl_tracking), ship-by passed, no tracking number
    bad_tracking         the number fails its format or check digit, or looks wrong for its carrier
    stuck                in the same (open) status for more than ``stuck_days`` days

and what the agent's own journal remembers::

    changed_often        the number was changed two times or more
    notice_undelivered   a notice to the buyer was not delivered, and none was delivered after it
    pending_number       recorded as pending (the carrier had no number yet) and still without one
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from agent.core import vocabulary
from agent.core.errors import InvalidTrackingNumber
from agent.core.i18n import _, ngettext
from agent.core.journal.rows import ItemRecord
from agent.core.records import ListedPosting, Outcome, PostingSnapshot
from agent.rules import tracking

#: Delivery schemes where the seller owns the tracking number [doc].
SELLER_SCHEMES = frozenset({"non_integrated", "3pl_tracking"})
#: Statuses that are over: nothing is overdue or stuck there any more.
CLOSED_STATUSES = frozenset({"delivered", "cancelled", "not_accepted"})
#: A date in the list is shown to the minute in Moscow time; a day of slack keeps the prefilter safe.
_SLACK = timedelta(days=1)


class Rule(StrEnum):
    """Why a posting is flagged."""

    OVERDUE_NO_TRACKING = "overdue_no_tracking"
    BAD_TRACKING = "bad_tracking"
    STUCK = "stuck"
    CHANGED_OFTEN = "changed_often"
    NOTICE_UNDELIVERED = "notice_undelivered"
    PENDING_NUMBER = "pending_number"


class Finding(BaseModel):
    """One reason to look at one posting."""

    posting_number: str
    rule: Rule
    detail: str
    status: str = ""
    tracking_number: str = ""


def _moment(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def needs_drawer(row: ListedPosting, now: datetime, stuck_days: int) -> bool:
    """Whether the drawer's facts can change the verdict on this row.

    No number: the scheme and the ship-by date decide. Old enough to be stuck: the time in status decides,
    and a posting cannot have been in its status longer than it exists, so younger orders are skipped.
    """
    if row.status in CLOSED_STATUSES:
        return False
    if not row.tracking_number:
        return True
    ordered = _moment(row.order_date)
    return ordered is None or ordered < now - timedelta(days=stuck_days) + _SLACK


def tracking_problem(number: str, carrier: str) -> str:
    """What is wrong with a tracking number ("" when nothing): a rejection or a warning of ``tracking.check``."""
    try:
        checked = tracking.check(number, carrier=carrier or None)
    except InvalidTrackingNumber as err:
        return str(err)
    return "; ".join(checked.warnings)


def portal_findings(rows: Mapping[str, ListedPosting], drawers: Mapping[str, PostingSnapshot], now: datetime,
                    stuck_days: int) -> list[Finding]:
    """The anomalies the portal shows, from list rows and the drawers that were opened."""
    found: list[Finding] = []
    for number, row in rows.items():
        drawer = drawers.get(number)
        shown = drawer.tracking_number if drawer else row.tracking_number
        status = drawer.status if drawer and drawer.status else row.status

        def flag(rule: Rule, detail: str, number: str = number, status: str = status, shown: str = shown) -> None:
            found.append(Finding(posting_number=number, rule=rule, detail=detail, status=status,
                                 tracking_number=shown))

        if shown and (problem := tracking_problem(shown, drawer.carrier if drawer else row.carrier)):
            flag(Rule.BAD_TRACKING, problem)
        if drawer is None or status in CLOSED_STATUSES:
            continue
        ship_by = _moment(drawer.ship_by)
        if not shown and drawer.scheme in SELLER_SCHEMES and ship_by is not None and ship_by < now:
            flag(Rule.OVERDUE_NO_TRACKING,
                 _("ship-by {moment} UTC passed {ago} ago ({scheme}: the seller sets the number)",
                   moment=ship_by.strftime("%Y-%m-%d %H:%M"), ago=_ago(now - ship_by), scheme=drawer.scheme))
        since = _moment(drawer.status_since)
        if since is not None and now - since > timedelta(days=stuck_days):
            flag(Rule.STUCK, ngettext("in status {status} for {ago} (more than {n} day)",
                                      "in status {status} for {ago} (more than {n} days)", stuck_days,
                                      status=vocabulary.posting_status_label(status), ago=_ago(now - since)))
    return found


def pending_postings(history: Iterable[ItemRecord]) -> dict[str, ItemRecord]:
    """Postings whose latest word in the journal is "pending: the carrier has no number yet".

    A later ``changed`` item ends it (the number was set).
    """
    latest: dict[str, ItemRecord] = {}
    for item in sorted(history, key=lambda i: i.finished_at or ""):
        is_pending = item.outcome == Outcome.PENDING and item.request.pending and item.finished_at is not None
        if is_pending:
            latest[item.posting_number] = item
        elif item.outcome == Outcome.CHANGED:
            latest.pop(item.posting_number, None)
    return latest


def journal_findings(history: Iterable[ItemRecord], notices: Iterable[Mapping[str, Any]],
                     shown_numbers: Mapping[str, str]) -> list[Finding]:
    """The anomalies the journal knows about.

    Args:
        history: finished items of every run (``Journal.history()``).
        notices: every notice to a buyer (``Journal.notices()``).
        shown_numbers: the tracking number the portal showed for a posting, where the scan saw it
            ("" when none); a pending posting that now shows a number is no longer pending.
    """
    items = list(history)
    found: list[Finding] = []
    changes: dict[str, list[ItemRecord]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.finished_at or ""):
        if item.outcome == Outcome.CHANGED:
            changes[item.posting_number].append(item)
    for number, changed in changes.items():
        if len(changed) >= 2:
            trail = " -> ".join([changed[0].old_tracking or _("(none)"), *(i.new_tracking for i in changed)])
            found.append(Finding(posting_number=number, rule=Rule.CHANGED_OFTEN,
                                 detail=ngettext("tracking number changed {n} time: {trail}",
                                                 "tracking number changed {n} times: {trail}", len(changed),
                                                 trail=trail),
                                 tracking_number=changed[-1].new_tracking))
    last_delivered: dict[str, int] = {}
    undelivered: dict[str, Mapping[str, Any]] = {}
    for notice in sorted(notices, key=lambda n: int(n["id"])):
        number = str(notice["posting_number"])
        if notice["delivered"]:
            last_delivered[number] = int(notice["id"])
            undelivered.pop(number, None)
        else:
            undelivered[number] = notice
    for number, notice in undelivered.items():
        found.append(Finding(posting_number=number, rule=Rule.NOTICE_UNDELIVERED,
                             detail=_("{kind} notice of {moment} not delivered: {why}; send it another way",
                                      kind=vocabulary.notice_kind_label(str(notice["kind"])),
                                      moment=str(notice["at"])[:16],
                                      why=notice["why"] or _("chat unavailable"))))
    for number, item in pending_postings(items).items():
        if shown_numbers.get(number):
            continue
        found.append(Finding(posting_number=number, rule=Rule.PENDING_NUMBER,
                             detail=_("waiting for the carrier's number since {moment}",
                                      moment=str(item.finished_at)[:16]) + (f": {item.error}" if item.error else "")))
    return found


def _ago(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours >= 24:
        return _("{days}d {hours}h", days=hours // 24, hours=hours % 24)
    return _("{hours}h", hours=hours)
