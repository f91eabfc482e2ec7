"""The pre-check before any change: the items, quantities and address the caller expects, or no save at all."""

from __future__ import annotations

from typing import Any

import pytest

from agent.core.errors import PrecheckMismatch
from agent.core.records import ChangeRequest, PostingSnapshot
from scenarios.precheck import differences, precheck

ADDRESS = "394093, г. Воронеж, пр-т Победы, д. 64"


def posting(**fields: Any) -> PostingSnapshot:
    return PostingSnapshot(posting_number="12345678-0001-1", items={"SKU-1": 2, "SKU-2": 1}, address=ADDRESS,
                           **fields)


def request(**fields: Any) -> ChangeRequest:
    return ChangeRequest(posting_number="12345678-0001-1", new_tracking="RR473124829GB", **fields)


@pytest.mark.parametrize("expected", [
    {}, {"expected_items": {"SKU-1": 2, "SKU-2": 1}}, {"expected_address": ADDRESS},
    {"expected_address": "воронеж  ПР-Т ПОБЕДЫ д. 64"}, {"expected_items": {"SKU-2": 1, "SKU-1": 2},
                                                         "expected_address": "394093 г. Воронеж"},
], ids=["nothing-expected", "same-items", "same-address", "address-part-any-case-and-spacing", "both"])
def test_a_posting_as_expected_should_pass(expected: dict[str, Any]) -> None:
    assert differences(request(**expected), posting()) == []
    precheck(request(**expected), posting())


@pytest.mark.parametrize(("expected", "found"), [
    ({"expected_items": {"SKU-1": 3, "SKU-2": 1}}, ["item SKU-1: quantity 2, expected 3"]),
    ({"expected_items": {"SKU-1": 2, "SKU-2": 1, "SKU-9": 1}}, ["item SKU-9 is not in the posting"]),
    ({"expected_items": {"SKU-1": 2}}, ["unexpected items: SKU-2"]),
    ({"expected_items": {}}, ["unexpected items: SKU-1, SKU-2"]),
    ({"expected_address": "620014, г. Екатеринбург"}, ["the delivery address differs from the expected one"]),
    ({"expected_items": {"SKU-1": 1, "SKU-3": 1}, "expected_address": "Омск"},
     ["item SKU-1: quantity 2, expected 1", "item SKU-3 is not in the posting", "unexpected items: SKU-2",
      "the delivery address differs from the expected one"]),
], ids=["quantity", "missing-item", "extra-item", "no-items-expected", "address", "everything"])
def test_a_posting_that_differs_should_be_refused_naming_every_difference(
    expected: dict[str, Any], found: list[str]
) -> None:
    assert differences(request(**expected), posting()) == found
    with pytest.raises(PrecheckMismatch) as refused:
        precheck(request(**expected), posting())
    assert str(refused.value) == "pre-check failed: " + "; ".join(found)


def test_the_refusal_should_not_repeat_the_address_which_is_personal_data() -> None:
    with pytest.raises(PrecheckMismatch) as refused:
        precheck(request(expected_address="Омск"), posting())
    assert "Воронеж" not in str(refused.value) and "Омск" not in str(refused.value)
