"""Whether a plan may run: unchanged since it was sealed, approved by the right person, read recently enough.

Approvals live in the journal and name the plan's content hash (:mod:`agent.bulk.plan` seals it), so a plan
edited after approval has no approval. The plan's age is the age of its oldest read of the portal: the older it
is, the more postings will have changed since (each is then rejected at apply, never overwritten).
"""

from __future__ import annotations

from datetime import UTC, datetime

from agent.bulk.plan import Plan, verify_plan
from agent.core.errors import InputError
from agent.core.i18n import _
from agent.core.journal import Journal


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def approve_plan(plan: Plan, journal: Journal, *, approved_by: str) -> None:
    """Record an approval of this plan's content hash in the journal.

    Raises:
        InputError: no approver name, or the plan was edited since it was sealed.
    """
    if not approved_by.strip():
        raise InputError(_("an approval needs the approver's name (--by NAME)"))
    if not verify_plan(plan):
        raise InputError(_changed_message(plan))
    journal.add_approval(plan.content_hash, approved_by.strip(), plan.created_by)


def _changed_message(plan: Plan) -> str:
    if not plan.content_hash:
        return _("the plan is not sealed (no content hash); make it with `bulk plan`")
    return _("the plan was changed after it was sealed (its content no longer matches its hash); "
             "plan again and have the new plan approved")


def check_approval(plan: Plan, journal: Journal, *, require_approval: bool, four_eyes: bool) -> str:
    """Check that the plan may run: unchanged since sealed and, if required, approved by the right person.

    Approvals name a content hash, so a plan edited after approval has no approval. ``four_eyes`` implies
    that an approval is required, by someone other than the planner (names compared case-insensitively).

    Args:
        plan: the plan to run.
        journal: where approvals are recorded.
        require_approval: refuse to run without an approval.
        four_eyes: the approver must not be the planner.

    Returns:
        The name of the (latest qualifying) approver, or "" when none is required and none was given.

    Raises:
        InputError: the plan was changed since sealed, is not approved, or only its planner approved it.
    """
    if not verify_plan(plan):
        raise InputError(_changed_message(plan))
    approvals = journal.approvals(plan.content_hash)
    if four_eyes:
        others = [a for a in approvals if not _same_person(a["approved_by"], plan.created_by)]
        if approvals and not others:
            raise InputError(_("four-eyes rule: the plan was made by {who} and only they approved it; "
                               "someone else must approve it", who=repr(plan.created_by)))
        approvals = others
    if approvals:
        return str(approvals[-1]["approved_by"])
    if require_approval or four_eyes:
        raise InputError(_("the plan is not approved (hash {hash}); approve it with "
                           "`ozon-rpa bulk approve PLAN --by NAME` (a plan edited after approval needs a new one)",
                           hash=plan.content_hash[:12]))
    return ""


def read_moment(plan: Plan) -> datetime:
    """When the plan's oldest read of the portal happened (its creation, when no posting was read)."""
    stamps = [row.read_at for row in plan.rows if row.read_at] or [plan.created_at]
    moments = [datetime.fromisoformat(s) for s in stamps]
    return min(m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments)


def check_age(plan: Plan, *, warn_after_h: float, refuse_after_h: float, now: datetime | None = None) -> str:
    """How stale the plan's view of the portal is: "" when fresh, a warning when old, an error when too old.

    A plan is a promise about postings as they were read; the older the read, the more of them will have
    changed (each such posting is then rejected at apply, never overwritten, so staleness costs work, not data).

    Args:
        plan: the plan to apply.
        warn_after_h: hours after which apply warns.
        refuse_after_h: hours after which apply refuses.
        now: the current time (for tests).

    Returns:
        A warning naming the plan's age, or "".

    Raises:
        InputError: the plan was read longer ago than ``refuse_after_h`` (plan again).
    """
    try:
        age = (now or datetime.now(UTC)) - read_moment(plan)
    except ValueError as err:
        raise InputError(_("the plan's read times are not valid dates ({why}); plan again", why=err)) from err
    hours = age.total_seconds() / 3600
    said = (_("{n} days", n=f"{hours / 24:.1f}") if hours >= 48 else _("{n} hours", n=f"{hours:.0f}"))
    if hours > refuse_after_h:
        raise InputError(_("the plan read the portal {age} ago, more than the {most} hours allowed "
                           "(OZON_RPA_PLAN_MAX_AGE_H); plan again (`ozon-rpa bulk plan FILE`) and have it approved",
                           age=said, most=f"{refuse_after_h:g}"))
    if hours > warn_after_h:
        return _("the plan read the portal {age} ago (more than {most} hours); postings changed since "
                 "will be rejected, not overwritten", age=said, most=f"{warn_after_h:g}")
    return ""
