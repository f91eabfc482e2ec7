"""What alerts say about bulk runs, and the test alert: short, in the operator's language, no buyer data.

A message names runs, counts, files and commands, never a buyer, an address or a secret; reasons come from the
agent's own errors, cut to their first line and redacted. The watch words its own (``agent/watch/alerts.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from agent.alerts.delivery import Alert
from agent.core.i18n import _
from agent.core.redact import redact
from agent.core.vocabulary import outcome_label

#: The longest reason quoted in an alert (the report has the rest).
MAX_WHY = 300


def headline(text: str, shop: str = "") -> str:
    """An alert's title: ``ozon-rpa: …``, with the company (``OZON_RPA_COMPANY``) when one is named."""
    return f"ozon-rpa · {shop}: {text}" if shop else f"ozon-rpa: {text}"


def short_reason(why: str) -> str:
    """A reason fit for an alert: its first line, redacted, at most ``MAX_WHY`` characters."""
    line = redact(next((part.strip() for part in why.splitlines() if part.strip()), ""))
    return line if len(line) <= MAX_WHY else line[: MAX_WHY - 1] + "…"


def counts_text(counts: Mapping[str, int], *, skip: tuple[str, ...] = ()) -> str:
    """``changed 10, unchanged 2, rejected 1`` in the operator's words (outcomes with none left out)."""
    return ", ".join(f"{outcome_label(outcome)} {n}" for outcome, n in counts.items() if n and outcome not in skip)


def bulk_finished(run_id: str, source: str, counts: Mapping[str, int], report: Path, *, shop: str = "") -> Alert:
    """A bulk run went through every posting: its counts by outcome and where its report is."""
    troubled = counts.get("rejected", 0) + counts.get("failed", 0)
    title = _("bulk run finished, some postings need a look") if troubled else _("bulk run finished")
    body = "\n".join([
        _("Run {run} ({file}): {counts}.", run=run_id, file=Path(source).name or source,
          counts=counts_text(counts) or _("nothing to do")),
        _("Report: {path}", path=report),
    ])
    return Alert(headline(title, shop), body, "warning" if troubled else "success")


def bulk_stopped(run_id: str, why: str, counts: Mapping[str, int], report: Path, resume: str, *,
                 shop: str = "") -> Alert:
    """A bulk run stopped before its end (anti-bot page, UI drift, circuit breaker, Ctrl-C): why, how far it got,
    and the exact command that resumes it."""
    done = counts_text(counts, skip=("pending",))
    body = "\n".join([
        _("Run {run}: {why}", run=run_id, why=short_reason(why)),
        _("Done so far: {counts}; not reached: {pending}.", counts=done or _("nothing"),
          pending=counts.get("pending", 0)),
        _("Resume with:"),
        resume,
        _("Report: {path}", path=report),
    ])
    return Alert(headline(_("bulk run stopped early"), shop), body, "failure")


def test_alert(operator: str, host: str, *, shop: str = "") -> Alert:
    """``ozon-rpa alert test``: proof that alerts reach the seller where they look."""
    return Alert(headline(_("test alert"), shop),
                 _("Alerts from ozon-rpa reach you here. Sent by {operator} from {host}.", operator=operator,
                   host=host))
