"""The orders list API and page shell."""

from __future__ import annotations

import re

import httpx

from tests.sandbox.conftest import LIST_PATH, Seller

POSTING_RE = re.compile(r"^\d{8}-\d{4}-\d$")


def test_list_should_page_50_rows_newest_first(seller: Seller) -> None:
    first = seller.postings()
    assert first["total"] == 300 and first["pages"] == 6 and len(first["postings"]) == 50
    dates = [p["order_date"] for p in first["postings"]]
    assert dates == sorted(dates, reverse=True)
    last = seller.postings(page=6)
    assert len(last["postings"]) == 50 and last["page"] == 6
    seen = {p["posting_number"] for page in range(1, 7) for p in seller.postings(page=page)["postings"]}
    assert len(seen) == 300


def test_page_beyond_the_end_should_clamp_to_the_last_page(seller: Seller) -> None:
    assert seller.postings(page=99)["page"] == 6


def test_tabs_should_filter_by_status(seller: Seller) -> None:
    expected = {
        "awaiting_packaging": {"awaiting_packaging"}, "awaiting_deliver": {"awaiting_deliver"},
        "delivering": {"delivering", "sent_by_seller", "driver_pickup", "last_mile"},
        "delivered": {"delivered"}, "cancelled": {"cancelled"},
    }
    total = 0
    for tab, statuses in expected.items():
        data = seller.postings(tab=tab)
        assert data["total"] > 0, tab
        assert {p["status"] for p in data["postings"]} <= statuses
        total += data["total"]
    # "all" also holds statuses with no tab of their own (arbitration).
    assert total < seller.postings(tab="all")["total"]


def test_search_should_find_by_exact_number_and_prefix(seller: Seller) -> None:
    number = seller.postings()["postings"][7]["posting_number"]
    assert [p["posting_number"] for p in seller.postings(search=number)["postings"]] == [number]
    prefix = number.rsplit("-", 1)[0]
    assert all(p["posting_number"].startswith(prefix) for p in seller.postings(search=prefix)["postings"])


def test_search_should_find_by_buyer_name_case_insensitively(seller: Seller, oracle: httpx.Client) -> None:
    buyer = oracle.get("/_sandbox/postings").json()["postings"][0]["buyer_name"]
    surname = buyer.split()[0]
    found = seller.postings(search=surname.upper())["postings"]
    assert found and all(surname in p["buyer"] for p in found)


def test_search_should_find_by_product_word_and_sku(seller: Seller, oracle: httpx.Client) -> None:
    by_word = seller.postings(search="чехол")
    assert by_word["total"] > 0
    truth = oracle.get(f"/_sandbox/postings/{by_word['postings'][0]['posting_number']}").json()
    assert any("чехол" in item["name"].lower() for item in truth["items"])
    assert seller.postings(search="sbt-led5-rgb")["total"] > 0


def test_search_should_find_nothing_for_nonsense(seller: Seller) -> None:
    data = seller.postings(search="zzzz-no-such")
    assert data["total"] == 0 and data["postings"] == []


def test_posting_number_filter_should_show_only_that_posting(seller: Seller) -> None:
    number = seller.postings(page=3)["postings"][0]["posting_number"]
    data = seller.postings(postingNumber=number)
    assert [p["posting_number"] for p in data["postings"]] == [number]


def test_one_buyer_should_have_several_postings_and_some_orders_be_split(oracle: httpx.Client) -> None:
    postings = oracle.get("/_sandbox/postings").json()["postings"]
    assert all(POSTING_RE.match(p["posting_number"]) for p in postings)
    buyers = [p["buyer_name"] for p in postings]
    assert max(buyers.count(b) for b in buyers) >= 3
    assert any(p["posting_number"].endswith("-2") for p in postings)


def test_list_page_should_be_a_shell_with_loading_state_and_labels(seller: Seller) -> None:
    page = seller.client.get(LIST_PATH, params={"tab": "delivered"}).text
    assert '<html lang="ru">' in page
    assert 'role="status"' in page and "Загрузка…" in page and 'aria-busy="true"' in page
    assert 'role="tablist"' in page
    assert re.search(r'data-tab="delivered" aria-selected="true"', page)
    assert 'aria-label="Отправления"' in page and "Shenzhen Bright Trade" in page
    assert 'data-testid="posting-row"' not in page  # rows come from the API, not the HTML


def test_both_list_urls_should_serve_the_same_shop(seller: Seller) -> None:
    for path in ("/app/postings/fbs", "/app/postings/crossborder/fbs"):
        response = seller.client.get(path)
        assert response.status_code == 200 and "Shenzhen Bright Trade" in response.text


def test_pages_should_follow_the_language_cookie(seller: Seller) -> None:
    seller.client.cookies.set("lang", "zh-Hans")
    page = seller.client.get(LIST_PATH).text
    assert '<html lang="zh-Hans">' in page and "订单" in page and "按货件编号、买家或商品搜索" in page
    seller.client.cookies.set("lang", "en")
    assert "Search by posting number, buyer or product" in seller.client.get(LIST_PATH).text


def test_drawer_api_should_answer_404_for_an_unknown_posting(seller: Seller) -> None:
    response = seller.client.get("/api/postings/00000000-0000-1")
    assert response.status_code == 404 and response.json() == {"error": "not_found"}


def test_drawer_api_should_give_items_buyer_and_rules(seller: Seller, editable: dict) -> None:
    posting = seller.client.get(f"/api/postings/{editable['posting_number']}").json()["posting"]
    assert posting["editable"] is True and posting["not_editable_reason"] == ""
    assert posting["buyer"]["phone"].startswith("+7 ")
    assert 1 <= len(posting["items"]) <= 3
    assert {"name", "sku", "quantity", "price"} <= set(posting["items"][0])


def test_drawer_api_and_oracle_should_tell_since_when_the_posting_is_in_its_status(
    seller: Seller, oracle: httpx.Client, editable: dict
) -> None:
    number = editable["posting_number"]
    shown = seller.client.get(f"/api/postings/{number}").json()["posting"]
    truth = oracle.get(f"/_sandbox/postings/{number}").json()
    assert shown["status_since"] == truth["status_since"] == editable["status_since"]
    assert truth["order_date"] <= truth["status_since"]
