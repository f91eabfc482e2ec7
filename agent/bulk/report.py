"""report.html of a run: one self-contained page (inline CSS, no external assets) that anyone can audit.

The page lives in the run folder next to the evidence, so screenshots are linked by relative paths and
the folder can be zipped, moved and opened offline. Everything shown is escaped (Jinja2 autoescape):
reasons and input cells come from sellers' files and portal messages.

What an auditor reads first is at the top: the counts, and who approved what (every approval field the run
record has: :func:`approval_fields` shows fields added later without a change here). Then one compact row per
posting (about eight to a 1280x800 screen), each picture a thumbnail that opens the full image, its stamp (burnt
into the picture) shown once, as the thumbnail's tooltip, with the step and time beside it. Printing gives an A4
landscape archive copy (the print stylesheet).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.bulk.plan import Plan
from agent.bulk.results import ResultRow
from agent.core import i18n, vocabulary
from agent.core.evidence.stamp import read_stamp
from agent.core.i18n import N_, _
from agent.core.journal.rows import RunRecord
from agent.core.records import Outcome
from agent.rules.carriers import carrier_name

TEMPLATES = Path(__file__).parent.parent / "templates"
REPORT_NAME = "report.html"
_IMAGES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
_OUTCOME_ORDER = (Outcome.CHANGED, Outcome.UNCHANGED, Outcome.REJECTED, Outcome.FAILED, Outcome.PENDING)
#: Fields of the run record that say who approved what (shown at the top; new ones are shown as they come).
_APPROVAL_FIELD = re.compile(r"approv|signature|fingerprint|principal")
#: The words for the run record's approval fields; a field added later shows its own name until it gets one.
APPROVAL_LABELS = {
    "approved_by": N_("Approved by"),
    "approver_key": N_("Approver's key"),
}
#: The time at the start of a stamp ("2026-11-28 07:40:12 UTC | ..."), shown beside its thumbnail.
_STAMP_TIME = re.compile(r"^\d{4}-\d\d-\d\d (\d\d:\d\d:\d\d) UTC")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    return vocabulary.install(i18n.install(env))


def _href(path: str, run_dir: Path) -> str:
    """A link relative to the run folder, URL-quoted (evidence paths may hold spaces or '#')."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(run_dir)
        except ValueError:
            return Path(path).as_uri()
    return quote(PurePosixPath(*candidate.parts).as_posix())


def _label(path: str) -> str:
    stem = PurePosixPath(path.replace("\\", "/")).stem
    for word in ("before", "after", "error"):
        if word in stem.lower():
            return word
    return stem


def _evidence(paths: list[str], run_dir: Path) -> dict[str, list[dict[str, str]]]:
    images: list[dict[str, str]] = []
    files: list[dict[str, str]] = []
    for path in paths:
        entry = {"href": _href(path, run_dir), "label": _label(path), "name": PurePosixPath(path).name}
        if Path(path).suffix.lower() == ".zip":
            entry["label"] = "trace"
        if Path(path).suffix.lower() in _IMAGES:
            entry["stamp"] = read_stamp(run_dir / path)  # the same stamp as burned into the image
            taken = _STAMP_TIME.match(entry["stamp"])
            entry["time"] = taken.group(1) if taken else ""
            images.append(entry)
        else:
            files.append(entry)
    return {"images": images, "files": files}


def _when(stamp: str | None) -> str:
    if not stamp:
        return "—"
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.strftime("%Y-%m-%d %H:%M:%S %Z").strip()


def _duration(start: str, finish: str | None) -> str:
    try:
        seconds = int((datetime.fromisoformat(finish or "") - datetime.fromisoformat(start)).total_seconds())
    except ValueError:
        return ""
    hours, rest = divmod(max(0, seconds), 3600)
    mins, secs = f"{rest // 60:02d}" if hours else str(rest // 60), f"{rest % 60:02d}"
    if hours:
        return _("{hours} h {minutes} min {seconds} s", hours=hours, minutes=mins, seconds=secs)
    return _("{minutes} min {seconds} s", minutes=mins, seconds=secs)


def approval_fields(run: RunRecord) -> list[dict[str, str]]:
    """Who approved what, from every approval field the run record has (``approved_by`` first), for the top.

    Each entry: ``label`` (in the operator's words), ``value`` and ``key`` (the field's name, for the page's
    ``data-field``). An empty ``approved_by`` is kept: "not approved" is what an auditor must see.
    """
    fields = run.model_dump()
    names = sorted((n for n in fields if _APPROVAL_FIELD.search(n)), key=lambda n: (n != "approved_by", n))
    shown = []
    for name in names:
        value = fields[name]
        if value in (None, "") and name != "approved_by":
            continue
        label = _(APPROVAL_LABELS[name]) if name in APPROVAL_LABELS else name.replace("_", " ").capitalize()
        text = _when(value) if name.endswith("_at") and isinstance(value, str) else str(value or "")
        shown.append({"key": name, "label": label, "value": text})
    return shown


def report_context(run_dir: Path, run: RunRecord, rows: list[ResultRow], *, plan: Plan | None) -> dict[str, Any]:
    """The data the template shows (separate from rendering so tests and other formats can use it)."""
    counts = Counter(row.outcome for row in rows)
    return {
        "approvals": approval_fields(run),
        "run": run,
        "started": _when(run.started_at),
        "finished": _when(run.finished_at),
        "duration": _duration(run.started_at, run.finished_at),
        "plan": plan,
        "planned_at": _when(plan.created_at) if plan else "",
        "plan_hash": (plan.content_hash if plan else run.plan_hash)[:16],
        "counts": [(outcome.value, counts.get(outcome, 0)) for outcome in _OUTCOME_ORDER],
        "total": len(rows),
        "rows": [
            {"row": row, "carrier": carrier_name(row.carrier, i18n.ui_lang()) if row.carrier else "",
             "evidence": _evidence(row.evidence, run_dir)}
            for row in rows
        ],
    }


def write_report(run_dir: Path, run: RunRecord, rows: list[ResultRow], *, plan: Plan | None) -> Path:
    """Render ``report.html`` into the run folder.

    Args:
        run_dir: the run's folder; evidence paths in ``rows`` are relative to it.
        run: the run as the journal knows it (operator, approver, times, status).
        rows: the result rows (``agent.bulk.results.result_rows``).
        plan: the run's plan, for its planner and hash; None for a run without one.

    Returns:
        The path of the report.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    html = _environment().get_template("report.html.j2").render(**report_context(run_dir, run, rows, plan=plan))
    path = run_dir / REPORT_NAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, path)
    return path
