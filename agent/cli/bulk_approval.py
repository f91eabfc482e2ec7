"""What ``bulk plan`` and ``bulk approve`` say about signatures: who signed, with which key, what to send where."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from agent.bulk.approval import (
    APPROVAL_SUFFIX,
    KEY_FILE,
    PLAN_NAMESPACE,
    ApprovalMade,
    key_setup,
    planner_key,
)
from agent.bulk.plan import Plan
from agent.bulk.ssh_signatures import SshKeygen
from agent.cli.shared import console
from agent.core.errors import InputError
from agent.core.i18n import _
from agent.core.settings import Settings


def supervision_text(who: str, key: str, *, short: bool = False) -> str:
    """A principal (or typed name) with its key's fingerprint (``short``: its start, for a narrow table)."""
    key = key[:19] + "…" if short and len(key) > 20 else key
    return f"{who} ({key})" if who and key else who or key


def _warn(text: str) -> None:
    label = _("warning:")
    console.print(f"[yellow]{escape(label)}[/] {escape(text)}", highlight=False)


def refuse_typed_approval(settings: Settings, plan: Plan, plan_file: Path, by: str | None) -> None:
    """Refuse a typed name (``--by``) where an approval must be signed: a rule asks for one, or the planner signed.

    Raises:
        InputError: saying what is missing and giving the few commands that set up a key.
    """
    if settings.require_approval or settings.four_eyes:
        why = _("{rule} is on", rule="OZON_RPA_FOUR_EYES" if settings.four_eyes else "OZON_RPA_REQUIRE_APPROVAL")
    elif plan.signature is not None:
        why = _("its planner signed the plan, so it needs a signed approval")
    else:
        return
    approve = f"ozon-rpa bulk approve {plan_file} --key {KEY_FILE}"
    if by:
        raise InputError(_("the name {name} alone cannot approve this plan: {why}, and anyone can type a name. An "
                           "approval is a signature made with your own SSH key on your computer: {setup}; then run "
                           "`{approve}`", name=repr(by), why=why, setup=key_setup(), approve=approve))
    raise InputError(_("approving this plan needs a signature made with your own SSH key on your computer ({why}): "
                       "{setup}; then run `{approve}`", why=why, setup=key_setup(), approve=approve))


def print_planner(settings: Settings, plan: Plan, target: Path) -> None:
    """After ``bulk plan`` signed the plan: who signed it (as the allowed-signers file says), and what comes next."""
    keygen = SshKeygen(settings.ssh_keygen)
    fingerprint = planner_key(plan, keygen)
    signer = (keygen.signer(plan.signature, PLAN_NAMESPACE, settings.allowed_signers)
              if plan.signature is not None and settings.allowed_signers is not None else None)
    console.print(_("plan written to {path}, signed by {who} with key {key}", path=target,
                    who=signer.principal if signer else _("you"), key=fingerprint), highlight=False)
    if settings.allowed_signers is None:
        _warn(_("OZON_RPA_ALLOWED_SIGNERS is not set: `bulk apply` needs it, to know who may plan and approve"))
    elif signer is None:
        key = str(settings.signing_key)
        _warn(_("{file} does not let key {key} sign plans: `bulk apply` will refuse this plan until its keeper "
                "adds your line ({line})", file=settings.allowed_signers, key=fingerprint,
                line=f"<your name> <the content of {key if key.endswith('.pub') else key + '.pub'}>"))
    name = target.name
    console.print(_("next: send {name} to the approver; on their computer they run `{approve}` and send back {back}; "
                    "put it beside the plan, then run `{apply}`", name=name,
                    approve=f"ozon-rpa bulk approve {name} --key THEIR_KEY", back=name + APPROVAL_SUFFIX,
                    apply=f"ozon-rpa bulk apply {target}"), highlight=False)


def print_approval(made: ApprovalMade, plan: Plan, plan_file: Path, target: Path) -> None:
    """After ``bulk approve`` signed: which key approved what, planned by whom, and where the file goes."""
    console.print(_("approved: {plan} (hash {hash}), signed by {who} with key {key}", plan=plan_file.name,
                    hash=plan.content_hash[:12], who=made.approver or _("you"), key=made.approver_key),
                  highlight=False)
    if made.planner:  # this computer's allowed-signers file knows the planner's key
        planner = _("planned by {who}", who=supervision_text(made.planner, made.planner_key))
    elif made.planner_key:
        planner = _("planned by {who} (as typed in the plan), signed with key {key}", who=plan.created_by or "?",
                    key=made.planner_key)
    else:
        planner = _("planned by {who} (as typed in the plan, not signed)", who=plan.created_by or "?")
    console.print(planner, highlight=False)
    for warning in made.warnings:
        _warn(warning)
    console.print(_("approval written to {path}: send it back to whoever applies the plan; it goes beside the "
                    "plan file", path=target), highlight=False)
