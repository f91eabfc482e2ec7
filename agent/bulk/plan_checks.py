"""Whether a plan may run: unchanged since it was sealed, approved by the right person, read recently enough.

An approval names the plan's content hash (:mod:`agent.bulk.plan` seals it), so a plan edited after approval has
no approval. Where approval is required (``OZON_RPA_REQUIRE_APPROVAL``, ``OZON_RPA_FOUR_EYES``) it is an SSH
signature by an allowed approver of a plan signed by an allowed planner (:mod:`agent.bulk.approval` makes them);
otherwise a name typed with ``bulk approve --by`` is kept as a note. The plan's age is the age of its oldest read
of the portal: the older it is, the more postings will have changed since (each then rejected, never overwritten).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from agent.bulk.approval import (
    APPROVAL_NAMESPACE,
    APPROVAL_SUFFIX,
    PLAN_NAMESPACE,
    Supervision,
    changed_message,
    four_eyes_message,
    planner_key,
    read_approval,
    statement_of,
)
from agent.bulk.plan import Plan, verify_plan
from agent.bulk.ssh_signatures import SshKeygen
from agent.core.errors import ConfigError, InputError
from agent.core.i18n import _
from agent.core.journal.store import Journal
from agent.core.settings import Settings


def approve_plan(plan: Plan, journal: Journal, *, approved_by: str) -> None:
    """Record a typed approver's name for this plan's content hash in the journal: a note, where no rule asks
    for a signed approval (a single user's; see ``check_approval``).

    Raises:
        InputError: no approver name, or the plan was edited since it was sealed.
    """
    if not approved_by.strip():
        raise InputError(_("an approval needs the approver's name (--by NAME)"))
    if not verify_plan(plan):
        raise InputError(changed_message(plan))
    journal.add_approval(plan.content_hash, approved_by.strip(), plan.created_by)


def check_approval(plan: Plan, journal: Journal, *, require_approval: bool, four_eyes: bool,
                   approval_file: Path | None = None, allowed_signers: Path | None = None,
                   keygen: SshKeygen | None = None) -> Supervision:
    """Check that the plan may run: unchanged since sealed and, if a rule says so, approved by the right person.

    ``four_eyes`` implies that an approval is required, by another person than the planner. Under either rule
    only a signed approval counts (:func:`check_signed_approval`); without them the latest name typed with
    ``bulk approve --by`` is recorded, as a note, and none is needed.

    Args:
        plan: the plan to run.
        journal: where typed names are noted.
        require_approval: refuse to run without an approval.
        four_eyes: the approver must not be the planner.
        approval_file: the plan's approval file (``approval_path``); None for a plan made by this run.
        allowed_signers: ``OZON_RPA_ALLOWED_SIGNERS``.
        keygen: ssh-keygen (``OZON_RPA_SSH_KEYGEN``).

    Returns:
        Who planned and approved (an approver "" when none is required and none was given).

    Raises:
        InputError: the plan was changed since sealed, or is not approved as the rules require.
        ConfigError: a rule is on and its set-up is missing (allowed-signers file, ssh-keygen).
    """
    if not verify_plan(plan):
        raise InputError(changed_message(plan))
    approvals = journal.approvals(plan.content_hash)
    if not (require_approval or four_eyes):
        return Supervision(approved_by=str(approvals[-1]["approved_by"]) if approvals else "",
                           planned_by=plan.created_by)
    rule = "OZON_RPA_FOUR_EYES" if four_eyes else "OZON_RPA_REQUIRE_APPROVAL"
    if approval_file is None:
        raise InputError(_("{rule} is on, so a plan made while applying cannot run: plan it "
                           "(`ozon-rpa bulk plan FILE`), have the plan approved, then apply the plan", rule=rule))
    typed = [str(a["approved_by"]) for a in approvals if not a["key_fingerprint"]]
    return check_signed_approval(plan, approval_file, allowed_signers=allowed_signers, four_eyes=four_eyes,
                                 keygen=keygen or SshKeygen(), rule=rule, typed=typed)


def _plan_name(approval_file: Path) -> str:
    name = approval_file.name
    return name[: -len(APPROVAL_SUFFIX)] if name.endswith(APPROVAL_SUFFIX) and name != APPROVAL_SUFFIX else "PLAN"


def _allowed_file(allowed_signers: Path | None, rule: str) -> Path:
    if allowed_signers is None:
        raise ConfigError(_("{rule} is on, so approvals are SSH signatures, checked against an allowed-signers "
                            "file, and OZON_RPA_ALLOWED_SIGNERS is not set: make a text file with one line per "
                            "person who may plan or approve, `{line}`, and set OZON_RPA_ALLOWED_SIGNERS to it",
                            rule=rule, line="anna.petrova ssh-ed25519 AAAAC3Nz... (their .pub file)"))
    if not allowed_signers.is_file() or not os.access(allowed_signers, os.R_OK):
        raise ConfigError(_("OZON_RPA_ALLOWED_SIGNERS={file}: no such file, or it cannot be read",
                            file=allowed_signers))
    return allowed_signers


def check_signed_approval(plan: Plan, approval_file: Path, *, allowed_signers: Path | None, four_eyes: bool,
                          keygen: SshKeygen, rule: str, typed: Sequence[str] = ()) -> Supervision:
    """Check, before any browser, that a plan is signed by an allowed planner and approved by an allowed approver.

    Args:
        plan: the sealed plan to run (its hash already checked against its content).
        approval_file: the approval (``approval_path``).
        allowed_signers: ``OZON_RPA_ALLOWED_SIGNERS``.
        four_eyes: planner and approver must be different people (principals) with different keys.
        keygen: ssh-keygen.
        rule: the setting that asks for approval (for messages).
        typed: names typed with ``--by`` for this plan in the journal (they are not approvals here: said so).

    Returns:
        Who planned and approved, by principal and key.

    Raises:
        ConfigError: no allowed-signers file, no ssh-keygen.
        InputError: any reason the approval does not hold; the message says what to do.
    """
    allowed = _allowed_file(allowed_signers, rule)
    if plan.signature is None:
        raise InputError(_("the plan carries no signature of its planner, which {rule} requires: set your key "
                           "(OZON_RPA_SIGNING_KEY), plan again (`ozon-rpa bulk plan FILE`) and have the new plan "
                           "approved", rule=rule))
    planner_fp = planner_key(plan, keygen)
    planner = keygen.signer(plan.signature, PLAN_NAMESPACE, allowed)
    if planner is None:
        raise InputError(_("the plan is signed by key {key}, which {file} does not allow to sign plans (not there, "
                           "or removed since): add its owner's line there, or plan again with an allowed key",
                           key=planner_fp, file=allowed))
    if not approval_file.exists():
        note = (_(" (a name typed with --by, {names}, is not an approval under {rule})",
                  names=", ".join(typed), rule=rule) if typed else "")
        raise InputError(_("the plan is not approved (hash {hash}): there is no approval file {file}{note}. The "
                           "approver runs `{approve}` on their computer and sends back {name}; put it beside the "
                           "plan, or name it with --approval FILE", hash=plan.content_hash[:12], file=approval_file,
                           note=note, approve=f"ozon-rpa bulk approve {_plan_name(approval_file)} --key THEIR_KEY",
                           name=approval_file.name))
    signed = read_approval(approval_file)
    approver_fp = keygen.key_of(signed, APPROVAL_NAMESPACE)
    statement = statement_of(signed) if approver_fp else None
    if statement is None or statement.purpose != "approve":
        raise InputError(_("{file}: its signature does not match its content: the approval was altered or damaged, "
                           "or is not an approval; ask the approver for it again", file=approval_file))
    if statement.plan_hash != plan.content_hash:
        raise InputError(_("{file} approves another plan (hash {theirs}), not this one (hash {ours}): the plan was "
                           "made again or changed after the approval, or the files were mixed up; have this plan "
                           "approved", file=approval_file, theirs=statement.plan_hash[:12],
                           ours=plan.content_hash[:12]))
    if statement.planner_key != planner_fp:
        raise InputError(_("{file} approves this plan as signed by key {theirs}, but the plan now carries a signature "
                           "by key {ours}; have it approved again", file=approval_file,
                           theirs=statement.planner_key or _("(none)"), ours=planner_fp))
    approver = keygen.signer(signed, APPROVAL_NAMESPACE, allowed)
    if approver is None:
        raise InputError(_("{file} is signed by key {key}, which {allowed} does not allow to approve (not there, or "
                           "removed since): only the people listed there may approve", file=approval_file,
                           key=approver_fp, allowed=allowed))
    if four_eyes and (approver.fingerprint == planner.fingerprint
                      or set(approver.principals) & set(planner.principals)):
        raise InputError(four_eyes_message(approver.principal))
    return Supervision(approved_by=approver.principal, approver_key=approver.fingerprint,
                       planned_by=planner.principal, planner_key=planner.fingerprint)


def supervision_for(settings: Settings, plan: Plan, journal: Journal, approval_file: Path | None) -> Supervision:
    """:func:`check_approval` under the settings' rules (``OZON_RPA_REQUIRE_APPROVAL``, ``OZON_RPA_FOUR_EYES``),
    allowed-signers file and ssh-keygen."""
    return check_approval(plan, journal, require_approval=settings.require_approval, four_eyes=settings.four_eyes,
                          approval_file=approval_file, allowed_signers=settings.allowed_signers,
                          keygen=SshKeygen(settings.ssh_keygen))


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
