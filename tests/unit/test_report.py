"""report.html: one self-contained page listing every posting with its outcome and evidence."""

from __future__ import annotations

import re
from pathlib import Path

from agent.bulk.plan import Plan
from agent.bulk.report import write_report
from agent.bulk.results import ResultRow
from agent.core.journal.rows import RunRecord
from agent.core.records import Outcome

P1, P2, P3, P4 = "48173252-0033-2", "48173252-0034-1", "48173252-0035-1", "48173252-0036-1"


def _run() -> RunRecord:
    return RunRecord(id="20261126-073000-bulk-1a2b", kind="bulk", started_at="2026-11-26T07:30:00.000+00:00",
                     finished_at="2026-11-26T07:31:05.000+00:00", status="done", operator="li.wei",
                     approved_by="anna.petrova", base_url="http://127.0.0.1:8400", source="changes.csv")


def _rows() -> list[ResultRow]:
    return [
        ResultRow(row_number=2, posting_number=P1, old_tracking="RR473124829GB", new_tracking="62009147017544",
                  carrier="russian_post", outcome=Outcome.CHANGED, reason="物流商换单", attempts=1,
                  evidence=[f"{P1}/before.png", f"{P1}/after.png"], notified="sent"),
        ResultRow(row_number=3, posting_number=P2, new_tracking="RR473124829GB", outcome=Outcome.CHANGED, attempts=2),
        ResultRow(row_number=4, posting_number=P3, new_tracking="X1", outcome=Outcome.REJECTED,
                  reason="<script>alert('x')</script> & more"),
        ResultRow(row_number=5, posting_number=P4, new_tracking="X2", outcome=Outcome.FAILED, reason="HTTP 503",
                  attempts=3, evidence=[f"{P4}/trace.zip"]),
    ]


def _render(tmp_path: Path) -> str:
    path = write_report(tmp_path, _run(), _rows(), plan=Plan(created_by="li.wei").seal())
    assert path == tmp_path / "report.html"
    return path.read_text(encoding="utf-8")


def test_report_lists_every_posting(tmp_path: Path) -> None:
    html = _render(tmp_path)
    for posting in (P1, P2, P3, P4):
        assert f'data-posting="{posting}"' in html


def test_report_counts_outcomes(tmp_path: Path) -> None:
    html = _render(tmp_path)
    counts = dict(re.findall(r'class="badge o-\w+(?: zero)?" data-outcome="(\w+)"><b>(\d+)</b>', html))
    assert counts == {"changed": "2", "unchanged": "0", "rejected": "1", "failed": "1", "pending": "0"}


def test_report_links_evidence_by_relative_paths(tmp_path: Path) -> None:
    html = _render(tmp_path)
    assert f'<a class="thumb" href="{P1}/before.png" target="_blank"' in html
    assert f'<img class="small" src="{P1}/before.png" loading="lazy"' in html
    assert f'src="{P1}/after.png"' in html
    assert f'href="{P4}/trace.zip">trace</a>' in html
    assert str(tmp_path) not in html


def test_report_escapes_html_in_reasons(tmp_path: Path) -> None:
    html = _render(tmp_path)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in html


def test_report_names_who_ran_and_who_approved(tmp_path: Path) -> None:
    html = _render(tmp_path)
    assert "li.wei" in html and "anna.petrova" in html and "http://127.0.0.1:8400" in html
    assert "changes.csv" in html and "物流商换单" in html


def test_report_is_self_contained(tmp_path: Path) -> None:
    html = _render(tmp_path)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "<script" not in html


def test_report_shows_every_approval_field_of_the_run_record_at_the_top(tmp_path: Path) -> None:
    """The approver and their key at the top; a field about approval the run record gains later shows up too."""

    class LaterRun(RunRecord):
        approval_note_of_tomorrow: str = ""

    run = LaterRun(**_run().model_copy(update={"approver_key": "SHA256:9f2c1e"}).model_dump(),
                   approval_note_of_tomorrow="seen twice")
    html = write_report(tmp_path, run, _rows(), plan=None).read_text(encoding="utf-8")

    start = html.index('class="card approvals"')
    approvals = html[start:html.index("</section>", start)]
    assert '<dd data-field="approved_by">anna.petrova</dd>' in approvals, "signed: no typed-name note"
    assert '<dt>Approver&#39;s key</dt><dd data-field="approver_key">SHA256:9f2c1e</dd>' in approvals
    assert "Approval note of tomorrow</dt>" in approvals and "seen twice" in approvals
    assert html.index('class="card approvals"') < html.index("<table")


def test_report_says_not_approved_at_the_top_when_nobody_approved(tmp_path: Path) -> None:
    run = _run().model_copy(update={"approved_by": ""})
    html = write_report(tmp_path, run, _rows(), plan=None).read_text(encoding="utf-8")
    assert '<dd data-field="approved_by"><span class="unapproved">not approved</span></dd>' in html


def test_report_names_planner_and_approver_by_principal_and_key(tmp_path: Path) -> None:
    run = _run().model_copy(update={"approved_by": "boris", "approver_key": "SHA256:BorisKey0123456789abcdef",
                                    "planned_by": "anna", "planner_key": "SHA256:AnnaKey0123456789abcdef"})

    html = write_report(tmp_path, run, _rows(), plan=Plan(created_by="li.wei").seal()).read_text(encoding="utf-8")

    approved = re.search(r'<dt>Approved by</dt><dd data-field="approved_by">(.*?)</dd>', html)
    planned = re.search(r'<dt>Planned by</dt><dd data-field="planned_by">(.*?)</dd>', html)
    key = re.search(r'<dt>Approver&#39;s key</dt><dd data-field="approver_key">(.*?)</dd>', html)
    assert approved and approved.group(1) == "boris"
    assert key and key.group(1) == "SHA256:BorisKey0123456789abcdef"
    assert planned and planned.group(1).startswith('anna <span class="mono">SHA256:AnnaKey0123456789abcdef</span>')
    assert "not signed" not in html


def test_report_says_a_typed_approver_name_is_not_signed(tmp_path: Path) -> None:
    html = _render(tmp_path)

    approved = re.search(r'<dt>Approved by</dt><dd data-field="approved_by">(.*?)</dd>', html)
    planned = re.search(r'<dt>Planned by</dt><dd data-field="planned_by">(.*?)</dd>', html)
    assert approved and approved.group(1) == 'anna.petrova <span class="none">(a typed name, not signed)</span>'
    assert planned and planned.group(1).startswith("li.wei <span")  # an older run: the plan's typed planner
