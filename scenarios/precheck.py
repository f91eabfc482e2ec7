"""Check a posting before touching it: the items, quantities and address the caller expects."""

from __future__ import annotations

from agent.core.errors import PrecheckMismatch
from agent.core.i18n import _
from agent.core.records import ChangeRequest, PostingSnapshot


def _squash(text: str) -> str:
    return " ".join(text.casefold().replace(",", " ").split())


def differences(request: ChangeRequest, posting: PostingSnapshot) -> list[str]:
    """What differs between what the caller expects and what the portal shows (empty: all matches)."""
    found: list[str] = []
    if request.expected_items is not None:
        for sku, qty in request.expected_items.items():
            shown = posting.items.get(sku)
            if shown is None:
                found.append(_("item {sku} is not in the posting", sku=sku))
            elif shown != qty:
                found.append(_("item {sku}: quantity {shown}, expected {qty}", sku=sku, shown=shown, qty=qty))
        extra = sorted(set(posting.items) - set(request.expected_items))
        if extra:
            found.append(_("unexpected items: {items}", items=", ".join(extra)))
    if request.expected_address and _squash(request.expected_address) not in _squash(posting.address):
        found.append(_("the delivery address differs from the expected one"))
    return found


def precheck(request: ChangeRequest, posting: PostingSnapshot) -> None:
    """Raise when the posting is not what the caller expects.

    Raises:
        PrecheckMismatch: naming every difference (the address itself is personal data: not repeated).
    """
    found = differences(request, posting)
    if found:
        raise PrecheckMismatch(_("pre-check failed: {found}", found="; ".join(found)))
