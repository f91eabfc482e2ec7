"""``stats.html``: the change analytics as one self-contained page with inline SVG bar charts (no scripts)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.journal import now_iso
from agent.stats import ChangeStats, Count

TEMPLATES = Path(__file__).parent / "templates"
BAR_WIDTH = 360  # px of the longest bar
MAX_BARS = 15


def bars(counts: list[Count], limit: int = MAX_BARS) -> list[dict[str, Any]]:
    """Bar geometry of a chart: each key with its count and bar length (the longest is ``BAR_WIDTH``)."""
    shown = counts[:limit]
    top = max((c.count for c in shown), default=0) or 1
    return [{"key": c.key, "count": c.count, "width": max(2, round(BAR_WIDTH * c.count / top)), "y": n * 24}
            for n, c in enumerate(shown)]


def write_stats_html(path: Path, stats: ChangeStats) -> Path:
    """Render the page to ``path`` (atomically) and return it."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    outcomes = [Count(key=k, count=v) for k, v in stats.outcomes.items()]
    html = env.get_template("stats.html.j2").render(
        stats=stats, generated=now_iso()[:19].replace("T", " ") + " UTC", bar_width=BAR_WIDTH,
        charts=[("Outcomes", "outcomes", bars(outcomes)),
                ("Changes per carrier", "carrier", bars(stats.by_carrier)),
                ("Changes per reason", "reason", bars(stats.by_reason)),
                ("Failure causes", "causes", bars([Count(key=f"{c.outcome}: {c.cause}", count=c.count)
                                                   for c in stats.failure_causes]))],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path
