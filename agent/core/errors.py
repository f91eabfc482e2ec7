"""The agent's typed errors.

Playwright and HTTP errors are translated into these at the boundary (``raise ... from err``),
so scenarios and the runner reason about *what went wrong*, not about which library failed::

    AgentError
    ├── InputError             bad usage or an unreadable input file: exit 2, nothing touched
    │   └── Problems           several problems found before a browser, reported together: exit 2
    ├── ConfigError            settings that cannot work (no browser, host not allowed): exit 2
    ├── BusinessRuleError      the portal or our rules say no: outcome ``rejected``, never retried
    │   ├── PostingNotFound
    │   ├── NotEditable
    │   ├── InvalidTrackingNumber
    │   ├── DuplicateTrackingNumber
    │   ├── PrecheckMismatch
    │   └── ChangedSincePlan   the posting no longer shows what the approved plan saw
    ├── PortalError            the portal or the browser failed: outcome ``failed`` after retries
    │   ├── SaveFailed         the save was answered with an error (5xx, timeout)
    │   └── VerificationFailed the portal does not show the number we saved
    ├── SessionExpired         the portal sent us to the login page; log in again and carry on
    └── AbortRun               stop the whole run, resumable: exit 3
        ├── AntiBotChallenge   the portal shows its anti-bot page; a person must clear it
        ├── UIDrift            a page object no longer finds a control or label: never retried, never
        │                      counted by the circuit breaker; the posting stays ``pending``
        ├── CircuitOpen        too many portal failures in a row
        └── RunInProgress      another live run is applying this plan or posting
"""

from __future__ import annotations

from agent.core.i18n import _, ngettext


class AgentError(Exception):
    """Base of every error the agent raises on purpose."""


class InputError(AgentError):
    """Bad usage or unreadable input; names the file, row and field where it can."""


class Problems(InputError):
    """Every problem the checks before a browser found, said together so that one round of fixes is enough.

    Attributes:
        problems: each problem, in the order the checks found them (never fewer than two).
    """

    def __init__(self, problems: list[AgentError]) -> None:
        self.problems = problems
        header = ngettext("{n} problem was found; nothing was started. Fix it, then run the command again:",
                          "{n} problems were found; nothing was started. Fix them all, then run the command again:",
                          len(problems))
        super().__init__("\n".join([header, *(f"  {n}. {problem}" for n, problem in enumerate(problems, 1))]))


class ConfigError(AgentError):
    """Settings that cannot work: no browser found, a host that is not allowed, ..."""


class BusinessRuleError(AgentError):
    """A business rule refused the change. The outcome is ``rejected``; never retried."""


class PostingNotFound(BusinessRuleError):
    """The portal has no posting with that number (or nothing matches the search)."""


class NotEditable(BusinessRuleError):
    """The portal does not offer to set or change the tracking number of this posting."""


class InvalidTrackingNumber(BusinessRuleError):
    """The new tracking number is empty, has illegal characters, or fails its check digit."""


class DuplicateTrackingNumber(BusinessRuleError):
    """The new tracking number is already recorded on another posting."""


class PrecheckMismatch(BusinessRuleError):
    """The posting's items, quantities or address differ from what the caller expected."""


class ChangedSincePlan(BusinessRuleError):
    """Someone changed the posting between the plan and the run: saving now would lose their change."""


class PortalError(AgentError):
    """The portal or the browser failed. Retried with backoff, then ``failed``."""


class SaveFailed(PortalError):
    """The portal answered the save with an error (5xx, gateway timeout, ...)."""


class VerificationFailed(PortalError):
    """After saving, the portal does not show the number we saved."""


class SessionExpired(AgentError):
    """The portal sent us to its login page: log in again, then carry on."""


class AbortRun(AgentError):
    """Stop the whole run now; it is resumable. Exit code 3."""


class UIDrift(AbortRun):
    """A page object no longer finds one of its controls or labels on the target portal.

    Not an outage and not a business answer: the run stops at once (exit 3, resumable), the posting in hand
    stays ``pending``, and the message names what to fix (the page object, the label, the language).

    Attributes:
        page_object: the page object's class name.
        label: the visible label it looked for.
        lang: the portal language whose label table was used.
    """

    def __init__(self, page_object: str, label: str, lang: str, detail: str = "") -> None:
        self.page_object = page_object
        self.label = label
        self.lang = lang
        message = _("UI drift: {page_object} cannot find {label} (lang={lang})", page_object=page_object,
                    label=repr(label), lang=lang)
        super().__init__(f"{message}: {detail}" if detail else message)


class AntiBotChallenge(AbortRun):
    """The portal shows its anti-bot page. We never try to pass it: a person must."""


class PortalBlocked(AbortRun):
    """The portal answered a page load with HTTP 403 (blocked) or 429 (throttled): stop, never retry into it."""


class CircuitOpen(AbortRun):
    """Too many portal failures in a row: the run stops before it does harm."""


class RunInProgress(AbortRun):
    """Another run that is still alive holds this plan or posting; this one must not start (exit 3)."""
