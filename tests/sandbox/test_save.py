"""Editability rules and the tracking save."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from fixtures.sandbox import rules
from fixtures.sandbox.context import reason_text
from fixtures.sandbox.i18n import Labels
from tests.sandbox.conftest import Seller, one_posting


def test_editable_should_need_a_seller_scheme_and_an_open_status(oracle: httpx.Client) -> None:
    for posting in oracle.get("/_sandbox/postings").json()["postings"]:
        expected = posting["tpl_integration_type"] in {"non_integrated", "3pl_tracking"} and posting["status"] in {
            "awaiting_deliver", "sent_by_seller", "delivering", "driver_pickup", "last_mile"}
        assert posting["editable"] is expected, posting["posting_number"]


@pytest.mark.parametrize(("scheme", "status", "reason"), [
    ("ozon", "delivering", "Трек-номер назначает служба доставки Ozon"),
    ("non_integrated", "delivered", "Статус «Доставлено» не позволяет изменить трек-номер"),
    ("3pl_tracking", "awaiting_packaging", "Статус «Ожидает упаковки» не позволяет изменить трек-номер"),
])
def test_not_editable_posting_should_say_why(scheme: str, status: str, reason: str) -> None:
    verdict = rules.editable({"tpl": scheme, "status": status})
    assert not verdict.allowed
    assert reason_text(SimpleNamespace(labels=Labels()), "ru", verdict) == reason  # type: ignore[arg-type]


def test_drawer_api_should_give_the_reason_for_a_not_editable_posting(seller: Seller,
                                                                       oracle: httpx.Client) -> None:
    number = one_posting(oracle, status="delivered")["posting_number"]
    posting = seller.client.get(f"/api/postings/{number}").json()["posting"]
    assert posting["editable"] is False
    assert posting["not_editable_reason"]


def test_save_should_apply_and_record_history(seller: Seller, oracle: httpx.Client,
                                              editable: dict[str, Any]) -> None:
    number = editable["posting_number"]
    response = seller.save(number, "RR473124829GB", "china_post")
    assert response.status_code == 200
    assert response.json()["posting"]["tracking_number"] == "RR473124829GB"
    truth = oracle.get(f"/_sandbox/postings/{number}").json()
    assert truth["tracking_number"] == "RR473124829GB" and truth["carrier"] == "china_post"
    assert truth["save_count"] == 1
    assert truth["tracking_history"][0]["old"] == editable["tracking_number"]
    assert truth["tracking_history"][0]["new"] == "RR473124829GB"
    listed = seller.postings(postingNumber=number)["postings"][0]
    assert listed["tracking_number"] == "RR473124829GB"


def test_saving_the_same_number_again_should_still_count(seller: Seller, oracle: httpx.Client,
                                                         editable: dict[str, Any]) -> None:
    number = editable["posting_number"]
    seller.save(number, "LP12345678901234", "cainiao")
    seller.save(number, "LP12345678901234", "cainiao")
    assert oracle.get(f"/_sandbox/postings/{number}").json()["save_count"] == 2


@pytest.mark.parametrize(("value", "carrier", "code"), [
    ("", "china_post", "empty"),
    ("   ", "china_post", "empty"),
    ("A" * 33, "china_post", "too_long"),
    ("RR 473124829GB", "china_post", "illegal_chars"),
    ("трек123", "china_post", "illegal_chars"),
    ("RR473124829GB", "pony_express", "unknown_carrier"),
])
def test_save_should_reject_invalid_input(seller: Seller, oracle: httpx.Client, editable: dict[str, Any],
                                          value: str, carrier: str, code: str) -> None:
    response = seller.save(editable["posting_number"], value, carrier)
    assert response.status_code == 422
    assert response.json()["error"] == code and response.json()["message"]
    assert oracle.get(f"/_sandbox/postings/{editable['posting_number']}").json()["save_count"] == 0


def test_save_should_reject_illegal_characters_with_a_localised_message(seller: Seller,
                                                                        editable: dict[str, Any]) -> None:
    seller.client.cookies.set("lang", "zh-Hans")
    response = seller.save(editable["posting_number"], "RR#1", "china_post")
    assert response.json() == {"error": "illegal_chars", "message": "跟踪号只能包含拉丁字母、数字和连字符"}


def test_save_should_accept_32_characters_with_hyphens(seller: Seller, editable: dict[str, Any]) -> None:
    assert seller.save(editable["posting_number"], "AB-" + "1" * 29, "other").status_code == 200


def test_save_should_require_the_csrf_token(seller: Seller, oracle: httpx.Client,
                                            editable: dict[str, Any]) -> None:
    number = editable["posting_number"]
    body = {"tracking_number": "RR473124829GB", "carrier": "china_post"}
    missing = seller.client.post(f"/api/postings/{number}/tracking", json=body)
    wrong = seller.client.post(f"/api/postings/{number}/tracking", json=body, headers={"X-CSRF-Token": "x"})
    for response in (missing, wrong):
        assert response.status_code == 403 and response.json() == {"error": "csrf"}
    assert oracle.get(f"/_sandbox/postings/{number}").json()["save_count"] == 0


def test_save_on_a_not_editable_posting_should_answer_409(seller: Seller, oracle: httpx.Client) -> None:
    number = one_posting(oracle, editable="false", status="delivered")["posting_number"]
    response = seller.save(number, "RR473124829GB")
    assert response.status_code == 409 and response.json()["error"] == "not_editable"
    assert oracle.get(f"/_sandbox/postings/{number}").json()["save_count"] == 0


def test_save_on_an_ozon_scheme_posting_should_answer_409(seller: Seller, oracle: httpx.Client) -> None:
    number = one_posting(oracle, tpl="ozon")["posting_number"]
    assert seller.save(number, "RR473124829GB").status_code == 409


def test_save_on_an_unknown_posting_should_answer_404(seller: Seller) -> None:
    assert seller.save("00000000-0000-1", "RR473124829GB").status_code == 404
