"""Trouble knobs: latency, failed saves, lost acknowledgements, anti-bot, slow list."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.sandbox.conftest import LIST_PATH, Seller


def _timed(call: Any) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def test_latency_should_slow_portal_requests_but_not_the_oracle(seller: Seller, oracle: httpx.Client) -> None:
    oracle.post("/_sandbox/config", json={"latency_ms": 2000, "latency_jitter_ms": 20}).raise_for_status()
    assert _timed(lambda: seller.client.get("/api/postings")) >= 1.95
    assert _timed(lambda: oracle.get("/_sandbox/config")) < 1.5  # generous: only "not slowed by the knob" matters


def test_list_delay_should_slow_only_the_list(seller: Seller, oracle: httpx.Client,
                                             editable: dict[str, Any]) -> None:
    oracle.post("/_sandbox/config", json={"list_delay_ms": 2000}).raise_for_status()
    assert _timed(lambda: seller.client.get("/api/postings")) >= 1.95
    drawer = f"/api/postings/{editable['posting_number']}"
    assert _timed(lambda: seller.client.get(drawer)) < 1.5  # generous: only "not slowed by the knob" matters


def test_fail_rate_one_should_answer_503_and_apply_nothing(seller: Seller, oracle: httpx.Client,
                                                           editable: dict[str, Any]) -> None:
    oracle.post("/_sandbox/config", json={"fail_rate": 1}).raise_for_status()
    response = seller.save(editable["posting_number"], "RR473124829GB")
    assert response.status_code == 503
    assert response.json()["message"] == "Сервис временно недоступен. Попробуйте ещё раз."
    truth = oracle.get(f"/_sandbox/postings/{editable['posting_number']}").json()
    assert truth["save_count"] == 0 and truth["tracking_number"] == editable["tracking_number"]


def test_ack_loss_rate_one_should_answer_504_but_apply_once(seller: Seller, oracle: httpx.Client,
                                                            editable: dict[str, Any]) -> None:
    oracle.post("/_sandbox/config", json={"ack_loss_rate": 1}).raise_for_status()
    response = seller.save(editable["posting_number"], "RR473124829GB")
    assert response.status_code == 504
    assert response.json()["message"] == "Сервер не ответил вовремя."
    truth = oracle.get(f"/_sandbox/postings/{editable['posting_number']}").json()
    assert truth["save_count"] == 1 and truth["tracking_number"] == "RR473124829GB"


def test_antibot_rate_one_should_challenge_app_pages_only(seller: Seller, oracle: httpx.Client) -> None:
    oracle.post("/_sandbox/config", json={"antibot_rate": 1}).raise_for_status()
    page = seller.client.get(LIST_PATH)
    assert page.status_code == 403
    assert "<title>Доступ ограничен</title>" in page.text and 'data-testid="antibot-challenge"' in page.text
    assert "Подтвердите, что вы не робот" in page.text and "Я не робот" in page.text
    assert seller.client.get("/api/postings").status_code == 200
    assert seller.client.get("/signin").status_code == 200


def test_passing_the_challenge_should_spare_the_browser(seller: Seller, oracle: httpx.Client) -> None:
    oracle.post("/_sandbox/config", json={"antibot_rate": 1}).raise_for_status()
    response = seller.client.post("/_challenge/pass", data={"return": LIST_PATH + "?tab=all"})
    assert response.status_code == 303 and response.headers["location"] == LIST_PATH + "?tab=all"
    assert seller.client.get(LIST_PATH).status_code == 200


def test_fractional_rates_should_be_reproducible_after_reset(seller: Seller, oracle: httpx.Client,
                                                             editable: dict[str, Any]) -> None:
    def outcomes() -> list[int]:
        oracle.post("/_sandbox/config", json={"fail_rate": 0.5}).raise_for_status()
        return [seller.save(editable["posting_number"], "RR473124829GB").status_code for _ in range(12)]

    first = outcomes()
    oracle.post("/_sandbox/reset").raise_for_status()
    assert outcomes() == first
    assert set(first) == {200, 503}


def test_config_should_reject_unknown_and_invalid_knobs(oracle: httpx.Client) -> None:
    assert oracle.post("/_sandbox/config", json={"seed": 7}).status_code == 422
    assert oracle.post("/_sandbox/config", json={"fail_rate": 2}).status_code == 422
    assert oracle.post("/_sandbox/config", json={"fail_rate": 0.1}).json()["fail_rate"] == 0.1


def test_reset_should_restore_the_knobs(oracle: httpx.Client) -> None:
    oracle.post("/_sandbox/config", json={"latency_ms": 500, "chat_subscription": False}).raise_for_status()
    oracle.post("/_sandbox/reset").raise_for_status()
    config = oracle.get("/_sandbox/config").json()
    assert config["latency_ms"] == 0 and config["chat_subscription"] is True
