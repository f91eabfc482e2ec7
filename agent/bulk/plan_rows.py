"""A plan's rows: made from an input file's rows, decided by each posting's state in the portal, turned into the
runner's requests (and the rejected rows' outcomes, so that no input row is lost)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from agent.bulk import input_headers as vocab
from agent.bulk.inputs import InputFile, InputRow, RowProblem
from agent.bulk.plan import Plan, PlanRow
from agent.core.errors import InputError
from agent.core.i18n import _
from agent.core.records import ChangeRequest, ChangeResult, Outcome
from agent.rules.tracking import normalize

_ACTIONABLE: frozenset[str] = frozenset({"change", "unchanged", "pending"})
_FORCED = "accepted because of force"  # the warning agent.rules.tracking.check adds to a forced number


def _sha256_file(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as err:
        raise InputError(_("{file}: cannot read the file: {why}", file=path.name, why=err.strerror or err)) from err


def _row_from_input(row: InputRow) -> PlanRow:
    return PlanRow(
        row_number=row.row_number, posting_number=row.posting_number, new_tracking=row.tracking_number,
        carrier=row.carrier, reason=row.reason or "", notify=bool(row.notify), pending=row.pending,
        force=any(w.endswith(_FORCED) for w in row.warnings), expected_items=row.expected_items,
        expected_address=row.expected_address, action="pending" if row.pending else "change",
        warnings=list(row.warnings), original=dict(row.original),
    )


def _row_from_problems(problems: list[RowProblem], fields: dict[str, int]) -> PlanRow:
    """One rejected row from all the problems of an input row, keeping what the seller asked for."""
    first = problems[0]
    cells = list(first.original.values())

    def cell(field: str) -> str:
        index = fields.get(field)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    carrier_text = cell("carrier")
    messages = list(dict.fromkeys(p.message for p in problems))  # a row can repeat a message; say it once
    return PlanRow(
        row_number=first.row_number, posting_number=normalize(first.posting_number),
        new_tracking=normalize(cell("tracking_number")),
        carrier=(vocab.carrier_code(carrier_text) or carrier_text) if carrier_text else None,
        reason=cell("reason"), action="rejected", why="; ".join(messages), original=dict(first.original),
    )


def plan_from_input(input_file: InputFile, *, base_url: str, created_by: str) -> Plan:
    """Build an unsealed plan from a read input file, before the portal is asked anything.

    Good rows get action ``change`` (``pending`` when the carrier has no number yet); every input row
    with problems becomes one ``rejected`` row whose ``why`` joins its problems. Rows keep file order.

    Args:
        input_file: what ``agent.bulk.inputs.read_rows`` returned.
        base_url: the portal the plan is for.
        created_by: who plans.

    Returns:
        The plan; the runner fills in portal state (``apply_portal_state``) and then seals it.

    Raises:
        InputError: the input file can no longer be read (for its digest).
    """
    fields = vocab.match_columns(input_file.columns)
    by_row: dict[int, list[RowProblem]] = {}
    for problem in input_file.problems:
        by_row.setdefault(problem.row_number, []).append(problem)
    rows = [_row_from_input(r) for r in input_file.rows if r.row_number not in by_row]
    rows += [_row_from_problems(problems, fields) for problems in by_row.values()]
    rows.sort(key=lambda r: r.row_number or 0)
    return Plan(created_by=created_by, source=str(input_file.path),
                source_sha256=_sha256_file(Path(input_file.path)), base_url=base_url,
                columns=list(input_file.columns), rows=rows)


def apply_portal_state(row: PlanRow, *, old_tracking: str, current_carrier: str, status: str, editable: bool,
                       not_editable_reason: str = "", found: bool = True) -> PlanRow:
    """Decide a row's action from its posting's state in the portal (read-only, at planning time).

    An already rejected row stays rejected (the state is still recorded). A number the posting already
    has (with the same carrier, if one is given) is ``unchanged`` even when the posting is no longer
    editable: nothing needs saving. ``pending`` rows stay pending: no number is saved for them.

    Args:
        row: the row from ``plan_from_input``.
        old_tracking: the posting's current tracking number ("" when none).
        current_carrier: its current carrier code.
        status: its status code.
        editable: whether the portal offers to change the number.
        not_editable_reason: the portal's reason when not editable.
        found: False when the portal has no such posting.

    Returns:
        A new row; the given one is not modified.
    """
    update: dict[str, Any] = {"old_tracking": old_tracking, "current_carrier": current_carrier, "status": status}
    warnings = list(row.warnings)
    same_number = bool(row.new_tracking) and normalize(old_tracking) == row.new_tracking
    if row.action == "rejected":
        pass
    elif not found:
        update.update(action="rejected", why=_("not found: the portal has no posting with this number"))
    elif row.pending:
        if old_tracking:
            warnings.append(_("pending, but the posting already has tracking number {number}", number=old_tracking))
    elif same_number and (row.carrier is None or row.carrier == current_carrier):
        update.update(action="unchanged", why=_("already has this number"))
    elif not editable:
        update.update(action="rejected", why=_("not editable: {why}",
                                               why=not_editable_reason or _("the portal does not allow it")))
    else:
        update.update(action="change", why="")
        if same_number:
            warnings.append(_("same number; the carrier changes from {old} to {new}", old=current_carrier or _("none"),
                               new=row.carrier))
    update["warnings"] = warnings
    return row.model_copy(update=update, deep=True)


def row_request(row: PlanRow, *, overwrite_changed: bool = False) -> ChangeRequest:
    """The change request of one plan row (rejected rows too, so the journal can list every row).

    A row whose posting was read at planning time expects the posting to still show what was read (its
    number and carrier) when the run reaches it; see ``ChangeRequest.expect_old_tracking``.
    """
    expect = bool(row.read_at) and row.action in ("change", "unchanged")
    return ChangeRequest(
        posting_number=row.posting_number, new_tracking=row.new_tracking, carrier=row.carrier, reason=row.reason,
        notify=row.notify, expected_items=row.expected_items, expected_address=row.expected_address,
        force=row.force, pending=row.pending, row_number=row.row_number,
        expect_old_tracking=row.old_tracking if expect else None,
        expect_old_carrier=row.current_carrier if expect else None, overwrite_changed=overwrite_changed,
    )


def to_requests(plan: Plan) -> list[ChangeRequest]:
    """The requests for the rows the runner acts on (``change``, ``unchanged``, ``pending``), in plan order."""
    return [row_request(row, overwrite_changed=plan.overwrite_changed) for row in plan.rows
            if row.action in _ACTIONABLE]


def rejected_results(plan: Plan) -> list[tuple[PlanRow, ChangeResult]]:
    """The ``rejected`` outcome of every rejected row, for the journal: no input row is ever lost."""
    return [
        (row, ChangeResult(posting_number=row.posting_number, outcome=Outcome.REJECTED,
                           old_tracking=row.old_tracking, new_tracking=row.new_tracking, carrier=row.carrier,
                           error=row.why, warnings=list(row.warnings)))
        for row in plan.rows if row.action == "rejected"
    ]
