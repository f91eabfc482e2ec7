"""Seed data: deterministic, realistic, with valid tracking numbers."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from fixtures.sandbox import tracking_formats
from fixtures.sandbox.config import SandboxConfig
from fixtures.sandbox.i18n import BASE_TABLES
from fixtures.sandbox.seed import generate_postings
from fixtures.sandbox.seed_anomalies import DELIVERING_TAB, PLANTED, SELLER_SCHEMES, STUCK_MIN_AGE
from fixtures.sandbox.server import SandboxServer

NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)
STABLE = ("number", "status", "tpl", "carrier", "tracking_number", "buyer_name", "buyer_phone", "address", "items")


def _stable(rows: list) -> list[tuple]:
    return [tuple(r[k] for k in STABLE) for r in rows]


def test_same_seed_should_give_the_same_postings() -> None:
    assert _stable(generate_postings(42, 300)) == _stable(generate_postings(42, 300))
    assert generate_postings(42, 50, NOW) == generate_postings(42, 50, NOW)


def test_another_seed_should_give_other_postings() -> None:
    assert _stable(generate_postings(42, 50)) != _stable(generate_postings(43, 50))


def test_two_servers_with_the_same_seed_should_serve_the_same_postings() -> None:
    def numbers() -> list[str]:
        with SandboxServer(SandboxConfig(seed=7, postings=40)) as server:
            postings = httpx.get(server.url + "/_sandbox/postings").json()["postings"]
            return sorted(p["posting_number"] + p["tracking_number"] for p in postings)

    assert numbers() == numbers()


def test_check_digits_should_match_the_documented_examples() -> None:
    assert tracking_formats.s10_check_digit("47312482") == 9
    assert tracking_formats.russian_post_check_digit("6200914701754") == 4


def _check_digit_ok(number: str) -> bool | None:
    """True / False for a number with a check digit (S10 other than Yanwen's, 14-digit); None otherwise."""
    if re.fullmatch(r"[A-Z]{2}\d{9}[A-Z]{2}", number) and not number.endswith("YP"):
        return int(number[10]) == tracking_formats.s10_check_digit(number[2:10])
    if re.fullmatch(r"\d{14}", number):
        return int(number[13]) == tracking_formats.russian_post_check_digit(number[:13])
    return None


def test_seeded_tracking_numbers_should_be_valid_for_their_format_except_the_planted_typos() -> None:
    checked = Counter[str]()
    typos = []
    for row in generate_postings(42, 600, NOW):
        number, carrier = row["tracking_number"], row["carrier"]
        if not number:
            continue
        verdict = _check_digit_ok(number)
        if verdict is not None:
            checked["with check digit"] += 1
            if not verdict:
                typos.append(row)
        elif carrier == "cdek":
            assert re.fullmatch(r"1\d{9}", number)
        elif carrier == "cainiao":
            assert re.fullmatch(r"LP\d{14}", number)
        elif carrier == "yunexpress":
            assert re.fullmatch(r"YT\d{16}", number)
        assert re.fullmatch(r"[A-Za-z0-9-]{1,32}", number), number
    assert checked["with check digit"] > 15
    assert len(typos) == PLANTED, "exactly the planted typos fail their check digit"
    assert all(r["tpl"] in SELLER_SCHEMES and r["status"] in DELIVERING_TAB for r in typos)


def test_seed_should_plant_overdue_postings_without_a_tracking_number() -> None:
    rows = generate_postings(42, 300, NOW)
    overdue = [r for r in rows if r["status"] == "awaiting_deliver" and r["tpl"] in SELLER_SCHEMES
               and not r["tracking_number"] and datetime.fromisoformat(r["ship_by"]) < NOW]
    assert len(overdue) >= PLANTED


def test_seed_should_plant_postings_stuck_in_a_delivering_status_and_no_others() -> None:
    rows = generate_postings(42, 300, NOW)
    stuck = [r for r in rows if r["status"] in DELIVERING_TAB
             and NOW - datetime.fromisoformat(r["status_since"]) > timedelta(days=10)]
    assert len(stuck) == PLANTED
    assert all(NOW - datetime.fromisoformat(r["status_since"]) >= STUCK_MIN_AGE for r in stuck)


def test_status_since_should_lie_between_the_order_and_now() -> None:
    for row in generate_postings(42, 300, NOW):
        since = datetime.fromisoformat(row["status_since"])
        assert datetime.fromisoformat(row["order_date"]) <= since <= NOW, row["number"]
        if row["status"] == "delivered":
            assert row["status_since"] == row["delivered_at"]



def test_seed_should_mix_schemes_and_statuses_realistically() -> None:
    rows = generate_postings(42, 300, NOW)
    schemes = Counter(r["tpl"] for r in rows)
    assert schemes["non_integrated"] + schemes["3pl_tracking"] > 0.7 * len(rows)
    assert {"ozon", "aggregator", "hybryd"} <= set(schemes)
    assert {r["status"] for r in rows} == {"awaiting_packaging", "awaiting_deliver", "sent_by_seller",
                                            "delivering", "driver_pickup", "last_mile", "delivered",
                                            "cancelled", "arbitration"}
    assert any(r["status"] == "awaiting_deliver" and r["ship_by"] < NOW.isoformat() for r in rows)
    assert all(re.fullmatch(r"\+7 9\d\d \d{3}-\d\d-\d\d", r["buyer_phone"]) for r in rows)
    assert all(len(r["buyer_name"].split()) == 3 for r in rows)


def test_every_language_should_have_every_label() -> None:
    keys = set(BASE_TABLES["ru"])
    assert set(BASE_TABLES["en"]) == keys == set(BASE_TABLES["zh-Hans"])
    for table in BASE_TABLES.values():
        assert all(value.strip() for value in table.values())
