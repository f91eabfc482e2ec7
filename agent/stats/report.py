"""``stats.html``: the change analytics as one self-contained page with inline SVG bar charts (no scripts)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.core import i18n, vocabulary
from agent.core.i18n import _
from agent.core.journal.rows import now_iso
from agent.rules.carriers import carrier_name
from agent.stats.analytics import NO_CARRIER, NO_REASON, ChangeStats, Count

TEMPLATES = Path(__file__).parent.parent / "templates"
BAR_WIDTH = 360  # px of the longest bar
MAX_BARS = 15


def bars(counts: list[Count], limit: int = MAX_BARS, label: Callable[[str], str] = str) -> list[dict[str, Any]]:
    """Bar geometry of a chart: each key with its count and bar length (the longest is ``BAR_WIDTH``).

    ``label`` names a key for people (the key itself stays in ``data-key`` for scripts and tests).
    """
    shown = counts[:limit]
    top = max((c.count for c in shown), default=0) or 1
    return [{"key": c.key, "label": label(c.key), "count": c.count,
             "width": max(2, round(BAR_WIDTH * c.count / top)), "y": n * 24}
            for n, c in enumerate(shown)]


def carrier_label(key: str) -> str:
    """A carrier key of the figures for people (the ``(unknown)`` key translated)."""
    return _(NO_CARRIER) if key == NO_CARRIER else carrier_name(key, i18n.ui_lang())


def reason_label(key: str) -> str:
    """A reason key of the figures for people (the ``(no reason given)`` key translated)."""
    return _(NO_REASON) if key == NO_REASON else key


def _cause_label(key: str) -> str:
    outcome, _sep, cause = key.partition(": ")
    return f"{vocabulary.outcome_label(outcome)}: {cause}"


def write_stats_html(path: Path, stats: ChangeStats) -> Path:
    """Render the page to ``path`` (atomically) and return it."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    vocabulary.install(i18n.install(env))
    outcomes = [Count(key=k, count=v) for k, v in stats.outcomes.items()]
    causes = [Count(key=f"{c.outcome}: {c.cause}", count=c.count) for c in stats.failure_causes]
    html = env.get_template("stats.html.j2").render(
        stats=stats, generated=now_iso()[:19].replace("T", " ") + " UTC", bar_width=BAR_WIDTH,
        charts=[(_("Outcomes"), "outcomes", bars(outcomes, label=vocabulary.outcome_label)),
                (_("Changes per carrier"), "carrier", bars(stats.by_carrier, label=carrier_label)),
                (_("Changes per reason"), "reason", bars(stats.by_reason, label=reason_label)),
                (_("Failure causes"), "causes", bars(causes, label=_cause_label))],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path
