"""Four-eyes that cannot be forged: a plan signed by its planner, approved by another person's SSH signature.

The approval is a small file that travels with the plan (``changes.plan.json.approval``), made on the approver's
own computer with their own key and checked by ``bulk apply`` against the allowed-signers file before any
browser starts. Each side signs a statement naming the plan's content hash (:mod:`agent.bulk.plan` seals it):

- the planner (``bulk plan``, when approval is required): purpose ``plan``, namespace ``ozon-rpa-plan``, kept in
  the plan itself (``Plan.signature``, outside the hash it signs);
- the approver (``bulk approve``): purpose ``approve``, namespace ``ozon-rpa-approval``, and the planner's key, so
  the approval holds only for the plan as that planner signed it.

Checking both at apply is :func:`agent.bulk.plan_checks.check_signed_approval`.

Two namespaces: a planner's signature can never pass for an approval, and an allowed-signers line may let a key
do one of the two only (``namespaces="ozon-rpa-approval"``). Who signed is what the *applier's* allowed-signers
file says at apply time, so a key removed from it approves nothing any more. ssh-keygen signs and checks
(:mod:`agent.bulk.ssh_signatures`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.bulk.plan import Plan, verify_plan
from agent.bulk.ssh_signatures import Signed, Signer, SshKeygen
from agent.core.errors import ConfigError, InputError
from agent.core.i18n import _
from agent.core.journal.rows import now_iso
from agent.core.settings import Settings

PLAN_NAMESPACE = "ozon-rpa-plan"
APPROVAL_NAMESPACE = "ozon-rpa-approval"
APPROVAL_SUFFIX = ".approval"
#: The commands of a key's set-up, in messages (kept out of the translated text so no translation can break them).
MAKE_KEY = 'ssh-keygen -t ed25519 -f ~/.ssh/ozon-rpa -C "<your name>"'
KEY_FILE = "~/.ssh/ozon-rpa"
SIGNER_LINE = "<your name> <the content of ~/.ssh/ozon-rpa.pub>"


class Statement(BaseModel):
    """What a planner or an approver signs (the typed view of ``Signed.statement``)."""

    model_config = ConfigDict(extra="forbid")

    purpose: Literal["plan", "approve"]
    plan_hash: str
    signed_at: str = ""
    planner_key: str = ""  # an approval: the fingerprint of the planner's key, as the approver saw it
    plan_file: str = ""
    base_url: str = ""
    rows: dict[str, int] = Field(default_factory=dict)  # for people reading the file: what the plan does
    by: str = ""  # an approval: the name the approver typed (--by), if any; who they are is their key's


@dataclass(frozen=True)
class Supervision:
    """Who planned and who approved a run's plan, by principal (or typed name) and key fingerprint."""

    approved_by: str = ""
    approver_key: str = ""
    planned_by: str = ""
    planner_key: str = ""


@dataclass
class ApprovalMade:
    """A signed approval, and what the approver's computer could tell about it."""

    signed: Signed
    approver_key: str
    planner_key: str
    approver: str = ""  # the principal, when the approver's own allowed-signers file knows the key
    planner: str = ""
    warnings: list[str] = field(default_factory=list)


def approval_path(plan_path: Path, given: Path | None = None) -> Path:
    """Where a plan's approval is: the file given (``--approval``), else ``PLAN.approval`` beside the plan."""
    return given if given is not None else plan_path.with_name(plan_path.name + APPROVAL_SUFFIX)


def changed_message(plan: Plan) -> str:
    """Why a plan that does not verify cannot be approved or run."""
    if not plan.content_hash:
        return _("the plan is not sealed (no content hash); make it with `bulk plan`")
    return _("the plan was changed after it was sealed (its content no longer matches its hash); "
             "plan again and have the new plan approved")


def key_setup() -> str:
    """The few steps that give a person a signing key that others' computers accept."""
    return _("set up your key once: 1) {make} 2) send {key}.pub to whoever keeps the allowed-signers file "
             "(OZON_RPA_ALLOWED_SIGNERS); they add the line `{line}` 3) set OZON_RPA_SIGNING_KEY={key} "
             "(or give --key {key})", make=MAKE_KEY, key=KEY_FILE, line=SIGNER_LINE)


def check_signing_key(keygen: SshKeygen, key: Path | None, why: str) -> str:
    """The fingerprint of the key a person signs with; refuse, saying how to set one up, when there is none.

    Args:
        keygen: ssh-keygen.
        key: ``--key`` or ``OZON_RPA_SIGNING_KEY``.
        why: why a signature is needed (for the message).

    Raises:
        ConfigError: no key given, no such file, not a key, or no ssh-keygen.
    """
    if key is None:
        raise ConfigError(_("{why}, and no signing key is set: {setup}", why=why, setup=key_setup()))
    if not key.is_file():
        raise ConfigError(_("signing key {key}: no such file; {setup}", key=key, setup=key_setup()))
    return keygen.key_fingerprint(key)


def check_planner_key(settings: Settings) -> str:
    """``bulk plan`` under a rule that asks for approval: the planner's own key must be there to sign the plan.

    Returns:
        The key's fingerprint, or "" when no rule asks for approval (plans are then not signed).

    Raises:
        ConfigError: no key (the message gives the few commands to set one up), no such key file, no
            ssh-keygen, or an allowed-signers file named but missing.
    """
    if not (settings.require_approval or settings.four_eyes):
        return ""
    rule = "OZON_RPA_FOUR_EYES" if settings.four_eyes else "OZON_RPA_REQUIRE_APPROVAL"
    if settings.allowed_signers is not None and not settings.allowed_signers.is_file():
        raise ConfigError(_("OZON_RPA_ALLOWED_SIGNERS={file}: no such file, or it cannot be read",
                            file=settings.allowed_signers))
    return check_signing_key(SshKeygen(settings.ssh_keygen), settings.signing_key,
                             _("{rule} is on, so a plan is signed by its planner's own SSH key", rule=rule))


def sign_plan(plan: Plan, keygen: SshKeygen, key: Path) -> str:
    """Sign a sealed plan as its planner (``plan.signature``); returns the key's fingerprint.

    Raises:
        InputError: the plan is not sealed or was changed since.
        ConfigError: ssh-keygen could not sign.
    """
    if not verify_plan(plan):
        raise InputError(changed_message(plan))
    statement = Statement(purpose="plan", plan_hash=plan.content_hash, signed_at=now_iso(), base_url=plan.base_url,
                          rows=plan.counts())
    plan.signature = keygen.sign(statement.model_dump(), key, PLAN_NAMESPACE)
    return planner_key(plan, keygen)


def planner_key(plan: Plan, keygen: SshKeygen) -> str:
    """The fingerprint of the planner's key, "" for a plan nobody signed.

    Raises:
        InputError: the signature does not verify, or it signs another content hash (the plan was changed).
    """
    if plan.signature is None:
        return ""
    fingerprint = keygen.key_of(plan.signature, PLAN_NAMESPACE)
    statement = statement_of(plan.signature) if fingerprint else None
    if statement is None or statement.purpose != "plan" or statement.plan_hash != plan.content_hash:
        raise InputError(_("the planner's signature does not match this plan: it was changed after it was "
                           "signed; do not approve or run it, plan again"))
    return str(fingerprint)


def statement_of(signed: Signed) -> Statement | None:
    """The typed statement of a signature, or None when it is not one of ours."""
    try:
        return Statement.model_validate(signed.statement)
    except ValidationError:
        return None


def _principal(keygen: SshKeygen, signed: Signed, namespace: str, allowed: Path | None) -> Signer | None:
    return keygen.signer(signed, namespace, allowed) if allowed is not None and allowed.is_file() else None


def approve_with_key(plan: Plan, keygen: SshKeygen, key: Path, *, plan_file: str = "", by: str = "",
                     four_eyes: bool = False, require_planner: bool = False,
                     allowed_signers: Path | None = None) -> ApprovalMade:
    """Sign an approval of this plan's content hash with the approver's key, on the approver's computer.

    Args:
        plan: the plan as received.
        keygen: ssh-keygen.
        key: the approver's key (``--key`` or ``OZON_RPA_SIGNING_KEY``).
        plan_file: the plan file's name (recorded for people reading the approval).
        by: a name the approver typed, recorded in the approval (who they are is their key's).
        four_eyes: refuse to approve with the key that planned.
        require_planner: refuse a plan its planner did not sign (approval is required on this computer).
        allowed_signers: this computer's allowed-signers file, if any: names planner and approver.

    Raises:
        InputError: the plan was changed since it was sealed or signed; four-eyes; an unsigned plan where the
            planner must sign.
        ConfigError: ssh-keygen could not sign.
    """
    if not verify_plan(plan):
        raise InputError(changed_message(plan))
    planner_fp = planner_key(plan, keygen)
    if not planner_fp and require_planner:
        raise InputError(_("the plan carries no signature of its planner, so it cannot be approved here "
                           "(OZON_RPA_REQUIRE_APPROVAL): its planner sets their key and plans again"))
    approver_fp = keygen.key_fingerprint(key)
    if four_eyes and approver_fp == planner_fp:
        raise InputError(four_eyes_message(approver_fp))
    statement = Statement(purpose="approve", plan_hash=plan.content_hash, signed_at=now_iso(), planner_key=planner_fp,
                          plan_file=plan_file, base_url=plan.base_url, rows=plan.counts(), by=by.strip())
    made = ApprovalMade(keygen.sign(statement.model_dump(), key, APPROVAL_NAMESPACE), approver_fp, planner_fp)
    planner = _principal(keygen, plan.signature, PLAN_NAMESPACE, allowed_signers) if plan.signature else None
    approver = _principal(keygen, made.signed, APPROVAL_NAMESPACE, allowed_signers)
    if four_eyes and planner and approver and set(planner.principals) & set(approver.principals):
        raise InputError(four_eyes_message(approver.principal))
    made.planner, made.approver = (planner.principal if planner else ""), (approver.principal if approver else "")
    if not planner_fp:
        made.warnings.append(_("the plan carries no signature of its planner: where approval is required, "
                               "it will be refused at apply"))
    if allowed_signers is not None and allowed_signers.is_file() and not approver:
        made.warnings.append(_("your key {key} may not approve according to {file}: the planner's computer will "
                               "refuse this approval until your line is in its allowed-signers file",
                               key=approver_fp, file=allowed_signers))
    return made


def write_approval(signed: Signed, path: Path) -> None:
    """Write an approval file (readable JSON), atomically."""
    text = json.dumps(signed.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def read_approval(path: Path) -> Signed:
    """Read an approval file.

    Raises:
        InputError: it is missing, unreadable or not an approval file (names the file).
    """
    try:
        return Signed.model_validate_json(path.read_bytes())
    except FileNotFoundError as err:
        raise InputError(_("{file}: no such approval file", file=path)) from err
    except (OSError, ValidationError) as err:
        raise InputError(_("{file}: not an approval file", file=path)) from err


def four_eyes_message(who: str) -> str:
    """The refusal of a plan planned and approved by one person (``who``: a principal or a key)."""
    return _("four-eyes rule: the plan was planned and approved by the same person ({who}); someone else must "
             "approve it with their own key", who=who)
