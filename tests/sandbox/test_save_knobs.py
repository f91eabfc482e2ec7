"""Save knobs for the safety tests: saves that lie about what was stored, held answers, per-posting counters."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from tests.sandbox.conftest import Seller

NEW = "RR473124829GB"


def truth(oracle: httpx.Client, number: str) -> dict[str, Any]:
    data: dict[str, Any] = oracle.get(f"/_sandbox/postings/{number}").json()
    return data


def test_a_dropped_save_should_answer_success_with_the_requested_number_but_store_nothing(
    seller: Seller, oracle: httpx.Client, editable: dict[str, Any]
) -> None:
    oracle.post("/_sandbox/config", json={"save_mismatch_rate": 1, "save_mismatch": "drop"}).raise_for_status()
    number = editable["posting_number"]

    response = seller.save(number, NEW)

    assert response.status_code == 200
    assert response.json()["posting"]["tracking_number"] == NEW, "the answer lies"
    stored = truth(oracle, number)
    assert stored["tracking_number"] == editable["tracking_number"]
    assert stored["save_count"] == 0 and stored["save_requests"] == 1
    assert seller.client.get(f"/api/postings/{number}").json()["posting"]["tracking_number"] == stored[
        "tracking_number"], "a fresh read shows what the portal kept"


def test_an_other_save_should_store_another_valid_number_once(
    seller: Seller, oracle: httpx.Client, editable: dict[str, Any]
) -> None:
    oracle.post("/_sandbox/config", json={"save_mismatch_rate": 1, "save_mismatch": "other"}).raise_for_status()
    number = editable["posting_number"]

    response = seller.save(number, NEW)

    assert response.status_code == 200 and response.json()["posting"]["tracking_number"] == NEW
    stored = truth(oracle, number)
    assert stored["tracking_number"] not in (NEW, editable["tracking_number"])
    assert stored["tracking_number"].endswith("CN"), "a plausible China Post number"
    assert stored["save_count"] == 1 and stored["tracking_history"][-1]["new"] == stored["tracking_number"]


def test_save_mismatch_should_be_a_runtime_knob_reset_by_reset(oracle: httpx.Client) -> None:
    assert oracle.post("/_sandbox/config", json={"save_mismatch": "bogus"}).status_code == 422
    oracle.post("/_sandbox/config", json={"save_mismatch_rate": 0.5, "save_mismatch": "other",
                                          "hold_saves": True}).raise_for_status()
    oracle.post("/_sandbox/reset").raise_for_status()
    config = oracle.get("/_sandbox/config").json()
    assert (config["save_mismatch_rate"], config["save_mismatch"], config["hold_saves"]) == (0.0, "drop", False)


@pytest.mark.parametrize("release", ["release-saves", "config", "reset"],
                         ids=["by-release-saves", "by-turning-the-knob-off", "by-reset"])
def test_a_held_save_should_be_stored_at_once_and_answered_only_when_released(
    seller: Seller, oracle: httpx.Client, editable: dict[str, Any], release: str
) -> None:
    number = editable["posting_number"]
    assert oracle.post("/_sandbox/hold-saves").json()["hold_saves"] is True
    answers: list[httpx.Response] = []
    saver = threading.Thread(target=lambda: answers.append(seller.save(number, NEW)))
    saver.start()
    try:
        held = {"held": 0}
        for _ in range(200):  # test-side polling of the oracle, up to ~10 s
            held = oracle.get("/_sandbox/held").json()
            if held["held"]:
                break
            threading.Event().wait(0.05)
        assert held == {"hold_saves": True, "held": 1, "held_total": 1}
        stored = truth(oracle, number)
        assert stored["tracking_number"] == NEW and stored["save_count"] == 1, "stored before the answer"
        assert not answers, "the answer is held"
    finally:
        if release == "release-saves":
            oracle.post("/_sandbox/release-saves").raise_for_status()
        elif release == "config":
            oracle.post("/_sandbox/config", json={"hold_saves": False}).raise_for_status()
        else:
            oracle.post("/_sandbox/reset").raise_for_status()
        saver.join(timeout=10)

    assert answers and answers[0].status_code == 200
    assert oracle.get("/_sandbox/held").json()["held"] == 0


def test_the_oracle_should_count_drawer_reads_and_save_requests_per_posting(
    seller: Seller, oracle: httpx.Client, editable: dict[str, Any]
) -> None:
    number = editable["posting_number"]
    for _ in range(3):
        seller.client.get(f"/api/postings/{number}").raise_for_status()
    assert seller.save(number, "bad number!").status_code == 422
    assert seller.save(number, NEW).status_code == 200

    stored = truth(oracle, number)
    assert (stored["reads"], stored["save_requests"], stored["save_count"]) == (3, 2, 1)
    oracle.post("/_sandbox/reset").raise_for_status()
    assert (truth(oracle, number)["reads"], truth(oracle, number)["save_requests"]) == (0, 0)
