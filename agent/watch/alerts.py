"""What the watch tells the seller, each thing once, remembered in the journal across scans and processes.

- **Postings that become abnormal**: one alert naming them (their flags, the report). A posting is told once;
  again only when its state changes (its set of flags, or its tracking number), never the same list every scan.
  A posting no longer flagged is forgotten without an alert, so that it is told again if it comes back.
- **A scan that could not run** (anti-bot page, UI drift, a sign-in needed, the portal failing): one alert
  saying what to do; not again while the same cause goes on.
- **Back to normal**: the first scan that runs after that says so (in its alert about postings, if it has one).

What was told is recorded (``alert_state`` in the journal) only once an alert reached at least one target: an
alert that could not be delivered is worked out again, and sent, after the next scan. Without alert targets
nothing is recorded, so turning alerts on later tells the seller about everything flagged then.
The alerts are worded and sent on the alert thread (:mod:`agent.alerts.delivery`), one after the other, so each
one sees what the one before recorded.
"""

from __future__ import annotations

from pathlib import Path

from agent.alerts.delivery import Alert, Dispatcher
from agent.alerts.messages import headline, short_reason
from agent.core.i18n import _, ngettext
from agent.core.journal.store import Journal
from agent.core.settings import Settings
from agent.rules.anomalies import Finding
from agent.watch.report import RULE_LABELS, FlaggedPosting, by_posting

#: How many postings one alert lists by name (the report has them all).
MAX_LISTED = 8
#: The key under which the cause of the last scan that could not run is kept.
PROBLEM_KEY = "problem"
#: Causes of a scan that could not run (machine words, kept in the journal).
PROBLEMS = ("antibot", "drift", "sign_in", "portal", "setup")

States = dict[str, dict[str, str | None]]


def fingerprint(posting: FlaggedPosting) -> str:
    """What a posting's state is for alerts: its flags and its tracking number (not the wording of details,
    which change every scan: "for 12d 3h")."""
    return ",".join(sorted({f.rule.value for f in posting.findings})) + "|" + posting.tracking_number


def problem_label(kind: str) -> str:
    """A cause of a scan that could not run, in the operator's words."""
    labels = {"antibot": _("the portal's anti-bot check"), "drift": _("UI drift"),
              "sign_in": _("a sign-in was needed"), "portal": _("the portal or the browser failed"),
              "setup": _("a settings problem")}
    return labels.get(kind, kind)


def what_to_do(kind: str) -> str:
    """What a person does about a scan that could not run."""
    todo = {
        "antibot": _("a person clears the portal's check: run `ozon-rpa login --interactive` on this computer."),
        "drift": _("the portal's page changed: run `ozon-rpa doctor`, fix your portal profile (or run "
                   "`ozon-rpa calibrate`)."),
        "sign_in": _("sign in once: run `ozon-rpa login --interactive` on this computer."),
        "portal": _("nothing unless it goes on: check that the portal opens in a browser on this computer."),
        "setup": _("run `ozon-rpa doctor` and fix what it names."),
    }
    return todo.get(kind, todo["portal"])


class WatchAlerts:
    """The watch's alerts, for one portal, cabinet and set of tabs (each remembers its own)."""

    def __init__(self, settings: Settings, dispatcher: Dispatcher, tabs: tuple[str, ...] | list[str]) -> None:
        self.settings = settings
        self.dispatcher = dispatcher
        where = f"{settings.base_url}{settings.postings_path} {','.join(tabs)}"
        self.postings_scope = f"watch-postings {where}"
        self.scan_scope = f"watch-scan {where}"
        self._journal: Journal | None = None

    def scanned(self, run_id: str, findings: list[Finding], report: Path) -> None:
        """A scan ran: tell what became abnormal or changed since the last alert (and that scans work again)."""
        states: States = {}

        def word() -> Alert | None:
            alert, later = self._scan_alert(run_id, findings, report)
            states.update(later)
            return alert

        self.dispatcher.send(word, on_delivered=lambda: self._record(states))

    def could_not_scan(self, kind: str, why: str, *, continues: bool) -> None:
        """A scan could not run (``kind``, one of :data:`PROBLEMS`): say so and what to do, unless already said."""

        def word() -> Alert | None:
            if self._journal_().alert_state(self.scan_scope).get(PROBLEM_KEY) == kind:
                return None
            then = (_("The watch keeps running and tries again at its next scan.") if continues
                    else _("The watch stopped; once that is done, start it again (a scheduled watch tries again "
                           "at its next run)."))
            body = "\n".join([short_reason(why), _("What to do: {todo}", todo=what_to_do(kind)), then])
            return Alert(headline(_("the watch could not scan"), self.settings.company), body, "failure")

        self.dispatcher.send(word, on_delivered=lambda: self._record({self.scan_scope: {PROBLEM_KEY: kind}}))

    def close(self) -> None:
        """Close the journal connection of the alerts (after the dispatcher was closed)."""
        if self._journal is not None:
            self._journal.close()

    # -- on the alert thread ------------------------------------------------------------------------------

    def _journal_(self) -> Journal:
        if self._journal is None:
            self._journal = Journal(self.settings.journal_path)
        return self._journal

    def _record(self, states: States) -> None:
        for scope, values in states.items():
            self._journal_().set_alert_state(scope, values)

    def _scan_alert(self, run_id: str, findings: list[Finding], report: Path) -> tuple[Alert | None, States]:
        """The alert about a scan (None: nothing new to tell) and what to record once it is delivered."""
        journal = self._journal_()
        told = journal.alert_state(self.postings_scope)
        problem = journal.alert_state(self.scan_scope).get(PROBLEM_KEY)
        flagged = by_posting(findings)
        now = {p.posting_number: fingerprint(p) for p in flagged}
        new = [p for p in flagged if p.posting_number not in told]
        changed = [p for p in flagged if p.posting_number in told and told[p.posting_number] != now[p.posting_number]]
        gone: dict[str, str | None] = {number: None for number in told if number not in now}
        if not new and not changed and problem is None:
            if gone:  # nothing to tell: forget them now, so that they are told again if they come back
                journal.set_alert_state(self.postings_scope, gone)
            return None, {}
        lines = [_("The watch scans again (it could not before: {what}).", what=problem_label(problem))] if problem \
            else []
        if new or changed:
            lines.append(_("Scan {run}: new {new}, changed {changed}, no longer flagged {gone}.", run=run_id,
                           new=len(new), changed=len(changed), gone=len(gone)))
            lines += [_posting_line(p, p in changed) for p in (new + changed)[:MAX_LISTED]]
            if len(new) + len(changed) > MAX_LISTED:
                lines.append(_("… and {n} more", n=len(new) + len(changed) - MAX_LISTED))
            lines.append(_("Report: {path}", path=report))
            title = ngettext("{n} posting needs attention", "{n} postings need attention", len(new) + len(changed))
        else:
            title = _("the watch scans again")
        states: States = {self.postings_scope: {**{p.posting_number: now[p.posting_number] for p in new + changed},
                                                **gone},
                          self.scan_scope: {PROBLEM_KEY: None}}
        return Alert(headline(title, self.settings.company), "\n".join(lines),
                     "warning" if new or changed else "success"), states


def _posting_line(posting: FlaggedPosting, changed: bool) -> str:
    """``48173252-0033-2 (RR473124829GB): bad tracking number; stuck in status``, marked when it changed."""
    number = f"{posting.posting_number} ({posting.tracking_number})" if posting.tracking_number \
        else posting.posting_number
    why = "; ".join(_(RULE_LABELS[f.rule.value]) for f in posting.findings)
    return _("{posting}: {why} (changed)", posting=number, why=why) if changed \
        else _("{posting}: {why}", posting=number, why=why)
