"""Sign-in, sessions and their expiry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx

from tests.sandbox.conftest import LIST_PATH, SELLER_PHONE, Seller, csrf_of, last_code, sign_in


def test_pages_without_session_should_redirect_to_signin_with_return(anon: httpx.Client) -> None:
    response = anon.get(LIST_PATH, params={"tab": "delivering", "postingDetails": "1-2-3"})
    assert response.status_code == 303
    target = urlparse(response.headers["location"])
    assert target.path == "/signin"
    assert parse_qs(target.query)["return"] == [f"{LIST_PATH}?tab=delivering&postingDetails=1-2-3"]


def test_api_without_session_should_answer_401_json(anon: httpx.Client) -> None:
    for response in (anon.get("/api/postings"), anon.get("/api/postings/1"),
                     anon.post("/api/postings/1/tracking", json={})):
        assert response.status_code == 401
        assert response.json() == {"error": "unauthorized"}


def test_signin_should_return_to_the_requested_page_with_a_safe_cookie(anon: httpx.Client,
                                                                        oracle: httpx.Client) -> None:
    anon.post("/signin", data={"phone": SELLER_PHONE, "return": "/app/postings/fbs?tab=cancelled"})
    response = anon.post("/signin/code", data={"code": last_code(oracle)})
    assert response.status_code == 303
    assert response.headers["location"] == "/app/postings/fbs?tab=cancelled"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("sid="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert anon.get("/app/postings/fbs").status_code == 200


def test_signin_should_refuse_a_return_to_another_host(anon: httpx.Client, oracle: httpx.Client) -> None:
    anon.post("/signin", data={"phone": SELLER_PHONE, "return": "//evil.example/x"})
    response = anon.post("/signin/code", data={"code": last_code(oracle)})
    assert response.headers["location"] == LIST_PATH


def test_phone_should_match_on_digits_only(anon: httpx.Client, oracle: httpx.Client) -> None:
    for variant in ("79000000000", "+7 (900) 000-00-00", "8 900 000 00 00"):
        response = anon.post("/signin", data={"phone": variant})
        assert response.status_code == 303, variant
        assert oracle.get("/_sandbox/outbox").json()["messages"][-1]["to"] == SELLER_PHONE


def test_email_login_should_ignore_case(anon: httpx.Client, oracle: httpx.Client) -> None:
    assert sign_in(anon, oracle, email="Seller@Example.COM").status_code == 303
    assert oracle.get("/_sandbox/outbox").json()["messages"][-1]["channel"] == "email"
    assert anon.get(LIST_PATH).status_code == 200


def test_email_mode_should_show_an_email_input(anon: httpx.Client) -> None:
    page = anon.get("/signin", params={"mode": "email"}).text
    assert 'name="email"' in page and "Эл. почта" in page


def test_unknown_account_should_show_an_alert(anon: httpx.Client) -> None:
    response = anon.post("/signin", data={"phone": "+7 999 123-45-67"})
    assert response.status_code == 200
    assert 'role="alert"' in response.text and "Аккаунт не найден" in response.text


def test_wrong_code_should_show_an_alert_and_not_sign_in(anon: httpx.Client, oracle: httpx.Client) -> None:
    anon.post("/signin", data={"phone": SELLER_PHONE})
    wrong = "000000" if last_code(oracle) != "000000" else "111111"
    response = anon.post("/signin/code", data={"code": wrong})
    assert response.status_code == 200 and "Неверный код" in response.text
    assert anon.get(LIST_PATH).status_code == 303


def test_three_wrong_codes_should_kill_the_code(anon: httpx.Client, oracle: httpx.Client) -> None:
    anon.post("/signin", data={"phone": SELLER_PHONE})
    code = last_code(oracle)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        response = anon.post("/signin/code", data={"code": wrong})
    assert "Код больше не действует. Запросите новый." in response.text
    assert "Получить новый код" in response.text
    assert "Код больше не действует" in anon.post("/signin/code", data={"code": code}).text
    assert anon.get(LIST_PATH).status_code == 303


def test_new_code_should_work_after_a_dead_one(anon: httpx.Client, oracle: httpx.Client) -> None:
    anon.post("/signin", data={"phone": SELLER_PHONE})
    for _ in range(3):
        anon.post("/signin/code", data={"code": "abc"})
    assert anon.post("/signin/resend").status_code == 303
    assert anon.post("/signin/code", data={"code": last_code(oracle)}).status_code == 303


def test_code_page_should_be_localised(anon: httpx.Client) -> None:
    anon.cookies.set("lang", "zh-Hans")
    anon.post("/signin", data={"phone": SELLER_PHONE})
    page = anon.get("/signin/code").text
    assert '<html lang="zh-Hans">' in page and "输入验证码" in page and "验证码" in page


def test_session_should_end_after_its_ttl(seller: Seller, oracle: httpx.Client) -> None:
    assert seller.client.get("/api/postings").status_code == 200
    oracle.post("/_sandbox/config", json={"session_ttl": 0}).raise_for_status()
    assert seller.client.get("/api/postings").status_code == 401
    assert seller.client.get(LIST_PATH).status_code == 303


def test_expire_sessions_should_end_every_session(seller: Seller, oracle: httpx.Client) -> None:
    oracle.post("/_sandbox/expire-sessions").raise_for_status()
    assert seller.client.get("/api/postings").status_code == 401


def test_reset_should_keep_sessions_valid(seller: Seller, oracle: httpx.Client) -> None:
    oracle.post("/_sandbox/reset").raise_for_status()
    assert seller.client.get("/api/postings").status_code == 200


def test_csrf_token_should_change_with_every_login(anon: httpx.Client, oracle: httpx.Client) -> None:
    sign_in(anon, oracle)
    first = csrf_of(anon)
    sign_in(anon, oracle)
    assert csrf_of(anon) != first


def test_forged_session_cookie_should_be_refused(anon: httpx.Client) -> None:
    anon.cookies.set("sid", "eyJzaWQiOiJ4In0.forged")
    assert anon.get("/api/postings").status_code == 401
