"""The words people see for the codes machines keep: outcomes, runs, posting statuses, notices, evidence.

The codes themselves (``changed``, ``done``, ``awaiting_deliver``) stay English in the journal, JSON, CSV
columns and HTML ``data-*`` attributes, so scripts keep working whatever the operator's language; only what
is shown to a person goes through these functions. An unknown code is shown as it is.
"""

from __future__ import annotations

from jinja2 import Environment

from agent.core.i18n import pgettext


def outcome_label(outcome: object) -> str:
    """An outcome (``changed``, ``unchanged``, ``rejected``, ``failed``, ``pending``) in the operator's words."""
    code = str(getattr(outcome, "value", outcome))
    labels = {
        "changed": pgettext("outcome", "changed"),
        "unchanged": pgettext("outcome", "unchanged"),
        "rejected": pgettext("outcome", "rejected"),
        "failed": pgettext("outcome", "failed"),
        "pending": pgettext("outcome", "pending"),
    }
    return labels.get(code, code)


def run_status_label(status: str) -> str:
    """The status of a run or a scan (``running``, ``done``, ``aborted``)."""
    labels = {
        "running": pgettext("run status", "running"),
        "done": pgettext("run status", "done"),
        "aborted": pgettext("run status", "aborted"),
    }
    return labels.get(status, status)


def run_kind_label(kind: str) -> str:
    """What a run did (``change``, ``bulk``, ``notify``, ``watch``...)."""
    labels = {
        "change": pgettext("run kind", "single change"),
        "bulk": pgettext("run kind", "bulk change"),
        "notify": pgettext("run kind", "buyer notice"),
        "watch": pgettext("run kind", "status watch"),
    }
    return labels.get(kind, kind)


def posting_status_label(status: str) -> str:
    """A posting's status code, in the words the portal uses for it in the operator's language."""
    labels = {
        "awaiting_packaging": pgettext("posting status", "Awaiting packaging"),
        "awaiting_deliver": pgettext("posting status", "Awaiting shipment"),
        "sent_by_seller": pgettext("posting status", "Sent by seller"),
        "delivering": pgettext("posting status", "Delivering"),
        "driver_pickup": pgettext("posting status", "With the driver"),
        "last_mile": pgettext("posting status", "Last mile"),
        "delivered": pgettext("posting status", "Delivered"),
        "cancelled": pgettext("posting status", "Cancelled"),
        "not_accepted": pgettext("posting status", "Not accepted"),
        "arbitration": pgettext("posting status", "Arbitration"),
    }
    return labels.get(status, status)


def notice_label(notified: str) -> str:
    """What became of the notice to the buyer (``sent``, or ``undelivered: <why>``; the why is the portal's)."""
    word, sep, why = notified.partition(": ")
    labels = {"sent": pgettext("notice", "sent"), "undelivered": pgettext("notice", "undelivered")}
    return labels.get(word, word) + sep + why


def notice_kind_label(kind: str) -> str:
    """Which notice a buyer was sent (``changed``: the new number, ``delayed``: no number yet)."""
    labels = {"changed": pgettext("notice kind", "new tracking number"),
              "delayed": pgettext("notice kind", "delay")}
    return labels.get(kind, kind)


def evidence_label(label: str) -> str:
    """The caption of a piece of evidence (``before``, ``after``, ``error``, ``trace``; others as they are)."""
    labels = {"before": pgettext("evidence", "before"), "after": pgettext("evidence", "after"),
              "error": pgettext("evidence", "error"), "trace": pgettext("evidence", "trace")}
    return labels.get(label, label)


def install(env: Environment) -> Environment:
    """Make these functions filters of a Jinja2 environment: ``{{ row.outcome|outcome }}``."""
    env.filters.update(outcome=outcome_label, run_status=run_status_label, run_kind=run_kind_label,
                       posting_status=posting_status_label, notice=notice_label, evidence=evidence_label)
    return env
