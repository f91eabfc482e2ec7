"""What a watch scan leaves behind: ``report.html`` (one row per flagged posting) and ``findings.csv``.

Both go to ``STATE_DIR/watch/<scan-id>/``. The HTML is self-contained (inline CSS, no scripts) and escaped
(details quote portal text); the CSV has one row per posting and reason, for Excel filters and scripts.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from agent.core import i18n, vocabulary
from agent.core.i18n import N_, _
from agent.core.journal.rows import RunRecord
from agent.core.spreadsheet_cells import SafeCsvWriter
from agent.rules.anomalies import Finding, Rule

TEMPLATES = Path(__file__).parent.parent / "templates"
REPORT_NAME = "report.html"
CSV_NAME = "findings.csv"
CSV_COLUMNS = ("posting_number", "rule", "detail", "status", "tracking_number")

#: How each rule is named for people (English; shown through ``_()``), in the order the report lists them.
RULE_LABELS: dict[str, str] = {
    Rule.OVERDUE_NO_TRACKING.value: N_("overdue, no tracking number"),
    Rule.BAD_TRACKING.value: N_("bad tracking number"),
    Rule.STUCK.value: N_("stuck in status"),
    Rule.CHANGED_OFTEN.value: N_("changed 2+ times"),
    Rule.NOTICE_UNDELIVERED.value: N_("notice not delivered"),
    Rule.PENDING_NUMBER.value: N_("waiting for a number"),
}


@dataclass
class ScanFacts:
    """The figures of one scan, shown in the report's header."""

    tabs: tuple[str, ...]
    rows_seen: int
    drawers_read: int
    seconds: float
    stuck_days: int


@dataclass
class FlaggedPosting:
    """One posting of the report with every reason it was flagged."""

    posting_number: str
    status: str
    tracking_number: str
    findings: list[Finding]


def by_posting(findings: list[Finding]) -> list[FlaggedPosting]:
    """Findings grouped per posting, postings in the order first flagged, reasons in rule order."""
    order = list(RULE_LABELS)
    grouped: dict[str, FlaggedPosting] = {}
    for f in findings:
        entry = grouped.setdefault(f.posting_number, FlaggedPosting(f.posting_number, "", "", []))
        entry.findings.append(f)
        entry.status = entry.status or f.status
        entry.tracking_number = entry.tracking_number or f.tracking_number
    for entry in grouped.values():
        entry.findings.sort(key=lambda f: order.index(f.rule.value))
    return list(grouped.values())


def rule_counts(findings: list[Finding]) -> list[tuple[str, str, int]]:
    """(rule, label, how many postings) for every rule, zeros included."""
    counts = Counter(f.rule.value for f in findings)
    return [(rule, label, counts.get(rule, 0)) for rule, label in RULE_LABELS.items()]


def tab_names(tabs: tuple[str, ...]) -> str:
    """The scanned tabs (status codes, or ``all``) as the operator calls them."""
    return ", ".join(_("All") if tab == "all" else vocabulary.posting_status_label(tab) for tab in tabs)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)


def write_csv(scan_dir: Path, findings: list[Finding]) -> Path:
    """``findings.csv``: one row per posting and reason (UTF-8 with BOM, so Excel reads Cyrillic)."""
    path = scan_dir / CSV_NAME
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = SafeCsvWriter(handle)
        writer.writerow(CSV_COLUMNS)
        for f in findings:
            writer.writerow([f.posting_number, f.rule.value, f.detail, f.status, f.tracking_number])
    os.replace(tmp, path)
    return path


def write_watch_report(scan_dir: Path, run: RunRecord, findings: list[Finding], facts: ScanFacts) -> Path:
    """Render ``report.html`` of a scan into its folder and return its path."""
    scan_dir.mkdir(parents=True, exist_ok=True)
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    vocabulary.install(i18n.install(env))
    context: dict[str, Any] = {
        "run": run, "started": run.started_at[:19].replace("T", " ") + " UTC", "tabs": tab_names(facts.tabs),
        "rows_seen": facts.rows_seen, "drawers_read": facts.drawers_read, "seconds": f"{facts.seconds:.1f}",
        "stuck_days": facts.stuck_days, "postings": by_posting(findings), "counts": rule_counts(findings),
        "labels": RULE_LABELS,
    }
    path = scan_dir / REPORT_NAME
    _atomic_write(path, env.get_template("watch.html.j2").render(**context))
    return path
