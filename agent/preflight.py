"""Checks that need no browser, run before one starts: a bad setting, file, number or plan costs no sign-in.

Every command that drives the portal runs these first, in this order, and collects every problem they find
(:func:`agent.core.problems.all_problems`: settings, profile, sign-in, folders, the file) to say them together:

1. settings (:func:`check_setup`): an allowed target host, a code source that fits it, the state folder, the
   sign-in, the portal profile;
2. the input: the file (readable, content matching its extension, the required columns, each row's posting and
   tracking number, repeats), or the command's arguments (:func:`check_change`, :func:`check_posting_number`);
3. what the journal already knows: a number recorded on another posting, a plan's approval, a run to
   resume, a change to tell the buyer about;
4. the first contact with the portal (:func:`agent.core.browser.portal_check.check_portal`), once, without retries.

Failures of 1 and 2 are ``InputError``/``ConfigError`` (exit 2, nothing touched), several at once ``Problems``
(exit 2); journal rejections keep the command's usual outcome; the portal check raises ``PortalUnreachable``
(exit 3), and is made only when nothing else was found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from agent.bulk.approval import approval_path
from agent.bulk.inputs import POSTING_PATTERN, InputFile, read_rows
from agent.bulk.plan import Plan, load_plan
from agent.bulk.plan_checks import supervision_for
from agent.core.browser.hosts import BAD_PORTS, ensure_allowed, host_allowed
from agent.core.errors import BusinessRuleError, ConfigError, InputError, InvalidTrackingNumber
from agent.core.i18n import N_, _
from agent.core.journal.store import Journal
from agent.core.problems import all_problems
from agent.core.records import ChangeRequest, Lookup, Outcome
from agent.core.settings import Settings
from agent.rules import tracking

#: The posting-number shape in words, for messages.
POSTING_SHAPE = N_("8-10 digits, a dash, 4 digits, a dash and the shipment index, like 48173252-0033-2")


def check_setup(settings: Settings, *, code_needed: bool | None = None) -> None:
    """Settings that cannot work, found without opening anything; every one of them, not only the first.

    Args:
        settings: the settings to check.
        code_needed: whether signing in will need a one-time code: ``None`` (the default) when there is
            no saved sign-in, ``True`` for a fresh sign-in (``login``), ``False`` when a person signs in
            in the browser window (``login --interactive``).

    Raises:
        ConfigError: the base URL (not a web address, a host not allowed, a port browsers refuse, the ``sandbox``
            code source for a remote host), the state folder, a code nobody can give, the portal profile.
        Problems: more than one of these, each with its fix.
    """
    with all_problems() as check:
        check(_check_target, settings)
        check(check_writable_dir, settings.state_dir,
              _("OZON_RPA_STATE_DIR (the journal, the sign-in state and the runs)"))
        check(_check_sign_in, settings, code_needed)
        # The portal profile is checked here (a broken one is an exit 2 before any browser); its checker lives with
        # the page objects (the label names are theirs), registered by the CLI: foundations do not import pages.
        for profile_check in SETUP_CHECKS:
            check(profile_check, settings)


def _check_target(settings: Settings) -> None:
    """The portal's address: a web address, on an allowed host, on a port browsers open; the code source fits it."""
    if not settings.base_url.startswith(("http://", "https://")) or not settings.host:
        raise ConfigError(_("OZON_RPA_BASE_URL={url} is not an http:// or https:// address; set it to the portal, "
                            "e.g. https://seller.ozon.ru or http://127.0.0.1:8400 (the sandbox)",
                            url=repr(settings.base_url)))
    if not host_allowed(settings.base_url, settings.allowed_hosts):
        raise ConfigError(
            _("OZON_RPA_BASE_URL={url} points at {host}, which is not an allowed host "
              "(OZON_RPA_ALLOWED_HOSTS={hosts}); fix the URL, or add the host to "
              "OZON_RPA_ALLOWED_HOSTS if it really is the portal", url=settings.base_url, host=repr(settings.host),
              hosts=",".join(settings.allowed_hosts)))
    try:
        port = urlsplit(settings.base_url).port
    except ValueError:
        raise ConfigError(_("OZON_RPA_BASE_URL={url} has an invalid port", url=repr(settings.base_url))) from None
    if port in BAD_PORTS:
        raise ConfigError(_("OZON_RPA_BASE_URL={url} uses port {port}, which browsers refuse to open "
                            "(ERR_UNSAFE_PORT); serve the portal on another port, e.g. `ozon-rpa sandbox --port 8400`",
                            url=settings.base_url, port=port))
    ensure_allowed(settings)  # the rest of the host rules (the sandbox code source is for loopback only)


def _check_sign_in(settings: Settings, code_needed: bool | None) -> None:
    """A sign-in that will need a one-time code has someone at a terminal to type it."""
    needs_code = not settings.storage_state_path.exists() if code_needed is None else code_needed
    if needs_code and settings.otp_source == "prompt" and not sys.stdin.isatty():
        why = (_("there is no saved sign-in ({path})", path=settings.storage_state_path) if code_needed is None
               else _("signing in afresh"))
        raise ConfigError(
            _("a one-time code will be needed ({why}) and there is no terminal to ask for the code: run "
              "`ozon-rpa login` (or `ozon-rpa login --interactive`) in a terminal first; for the local sandbox, "
              "OZON_RPA_OTP_SOURCE=sandbox reads the code from its outbox", why=why))


#: Checks of settings owned by the layers above (the portal profile), run last by :func:`check_setup`;
#: each raises ConfigError. Registered by the CLI.
SETUP_CHECKS: list[Callable[[Settings], None]] = []


def check_writable_dir(folder: Path, what: str) -> None:
    """Make sure ``folder`` exists (creating it, as the command would) and can be written to.

    Raises:
        ConfigError: it cannot be created, is not a folder, or is read-only.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(_("{what}: cannot create {folder}: {why}; choose another folder, or create it yourself",
                            what=what, folder=folder, why=err.strerror or err)) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(_("{what}: {folder} is not writable; choose another folder or fix its permissions",
                            what=what, folder=folder))


def check_posting_number(text: str) -> str:
    """The normalised posting number, or a clear refusal of what cannot be one.

    Rejected rather than warned about: a value of another shape can only end "not found" after a browser
    start, a sign-in and a search, and the bulk reader already rejects such rows, so both inputs agree.
    The shape is ozon-domain.md's (``^\\d{8,10}-\\d{4}-\\d+$``); dashes, spaces and full-width digits
    as pasted from chats and Excel are normalised first.

    Args:
        text: the posting number as given; when it looks like a tracking number, the message says the
            arguments are probably swapped.

    Raises:
        InputError: empty, or not of a posting number's shape.
    """
    number = tracking.normalize(text)
    if not number:
        raise InputError(_("the posting number is empty"))
    if POSTING_PATTERN.fullmatch(number):
        return number
    message = _("{text} is not a posting number: a posting number is {shape}", text=repr(text.strip()),
                shape=_(POSTING_SHAPE))
    if _looks_like_tracking(number):
        message += _("; it looks like a tracking number: the posting comes first (change POSTING NUMBER)")
    else:
        message += _("; to find a posting by its buyer or a product word, use --by-buyer NAME or --by-keyword WORD")
    raise InputError(message)


def _looks_like_tracking(number: str) -> bool:
    try:
        return tracking.check(number, force=True).format is not None
    except InvalidTrackingNumber:
        return False


@dataclass
class CheckedChange:
    """A ``change`` request after the checks: the request to run, its warnings, or why it is rejected."""

    request: ChangeRequest
    warnings: list[str]
    rejection: str = ""


def check_change(settings: Settings, request: ChangeRequest) -> CheckedChange:
    """Check one change before the browser: the posting's shape, the new number, the journal's duplicates.

    Args:
        settings: for the journal.
        request: the request as the command line gave it.

    Returns:
        The normalised request and its warnings; ``rejection`` is set when our own rules refuse it (the
        command records that as ``rejected`` without opening the portal).

    Raises:
        InputError: the posting number cannot be one (bad usage: exit 2, nothing recorded).
    """
    if request.lookup == Lookup.NUMBER:
        request = request.model_copy(update={"posting_number": check_posting_number(request.posting_number)})
    if request.pending and not request.new_tracking:
        return CheckedChange(request, [])
    try:
        checked = tracking.check(request.new_tracking, carrier=request.carrier, force=request.force)
    except InvalidTrackingNumber as err:
        return CheckedChange(request, [], str(err))
    request = request.model_copy(update={"new_tracking": checked.number})
    warnings = list(checked.warnings)
    if request.lookup == Lookup.NUMBER and not request.allow_duplicate and settings.journal_path.exists():
        # The same rule the change scenario applies once it knows the posting (by buyer or keyword).
        journal = Journal(settings.journal_path)
        try:
            others = journal.postings_with_tracking(request.new_tracking, exclude_posting=request.posting_number)
        finally:
            journal.close()
        if others:
            why = _("{number} is already recorded on posting {others}; use --allow-duplicate if that is intended",
                    number=request.new_tracking, others=", ".join(others[:3]))
            return CheckedChange(request, warnings, why)
    return CheckedChange(request, warnings)


def check_input_file(path: Path, *, sheet: str | None = None, force: bool = False) -> InputFile:
    """Read and check a bulk input file completely, before any browser: exit 2 for a file that cannot work.

    Row problems (a bad posting or number, a repeat) are not fatal: they become rejected rows of the plan.

    Raises:
        InputError: missing or unreadable file, content not matching its extension, no posting or tracking
            column, no data rows.
    """
    return read_rows(path, sheet=sheet, force=force)


def check_plan(settings: Settings, path: Path, approval_file: Path | None = None) -> Plan:
    """Load a plan to apply and check it may run: sealed, unchanged since, approved as the settings require.

    Args:
        settings: the rules (``OZON_RPA_REQUIRE_APPROVAL``, ``OZON_RPA_FOUR_EYES``) and their set-up.
        path: the plan file.
        approval_file: its approval (``--approval``); by default ``PLAN.approval`` beside the plan.

    Raises:
        InputError: not a plan, edited after it was sealed, or not approved as the rules require (a signed
            approval by an allowed approver of a plan signed by an allowed planner; four-eyes: two people).
        ConfigError: a rule is on and its set-up is missing (the allowed-signers file, ssh-keygen).
    """
    plan = load_plan(path)
    journal = Journal(settings.journal_path)
    try:
        supervision_for(settings, plan, journal, approval_path(path, approval_file))
    finally:
        journal.close()
    return plan


def check_raw_apply(settings: Settings, path: Path, *, yes: bool, sheet: str | None = None) -> InputFile:
    """Check that a raw CSV/XLSX may be applied directly, and read it.

    Raises:
        InputError: approval is required (a raw file has none), nobody can confirm (no --yes and no terminal), or
            the file is bad; ``Problems`` for more than one of these.
    """
    with all_problems() as check:
        if settings.require_approval or settings.four_eyes:
            rule = "OZON_RPA_FOUR_EYES" if settings.four_eyes else "OZON_RPA_REQUIRE_APPROVAL"
            check.add(InputError(_("{file}: {rule} is on, so a raw file cannot be applied: plan it "
                                   "(`ozon-rpa bulk plan {path}`), have the plan approved, then apply the plan",
                                   file=path.name, rule=rule, path=path)))
        input_file = check(check_input_file, path, sheet=sheet)
        if not yes and not sys.stdin.isatty():
            check.add(InputError(_("applying a raw file needs a confirmation: add --yes, or plan and approve it "
                                   "first")))
    assert input_file is not None  # for the type checker: the collector raised when the file could not be read
    return input_file


def check_resume(settings: Settings, run_id: str) -> None:
    """Check that a run can be resumed (it exists and its plan copy is there), without changing it (else InputError)."""
    journal = Journal(settings.journal_path)
    try:
        run = journal.run(run_id)
    except KeyError:
        raise InputError(_("no run {run} in the journal {path}", run=repr(run_id),
                           path=settings.journal_path)) from None
    finally:
        journal.close()
    plan_copy = settings.runs_dir / run.id / "plan.json"  # agent.bulk.runner.PLAN_COPY (a layer above this one)
    if not plan_copy.exists():
        raise InputError(_("run {run}: its plan copy {path} is missing; cannot resume", run=run_id, path=plan_copy))


def check_notify(settings: Settings, posting: str) -> str:
    """Check a ``notify`` before the browser: a posting number, with a change in the journal to tell about.

    Returns:
        The normalised posting number.

    Raises:
        InputError: not a posting number.
        BusinessRuleError: the journal has no change of this posting (the same words the runner uses).
    """
    number = check_posting_number(posting)
    journal = Journal(settings.journal_path)
    try:
        last = next((i for i in journal.history(number)
                     if i.outcome in (Outcome.CHANGED, Outcome.UNCHANGED, Outcome.PENDING)), None)
    finally:
        journal.close()
    if last is None:
        raise BusinessRuleError(_("the journal has no change of {posting} to tell the buyer about", posting=number))
    return number
