"""``scenarios.capture.redact_har``: credentials, codes and buyer data leave no trace; what replay matches on stays."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scenarios.capture import REDACTED, Redactor, redact_har

SID = "eyJzaWQiOiJhYmMxMjMifQ.secret-session-cookie"
CSRF = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
CODE = "482913"
BUYER = {"name": "Ксения Воронцова", "phone": "+7 916 555-12-34"}
ADDRESS = "Москва, ул. Лесная, д. 7, кв. 12"
LIST_URL = "http://127.0.0.1:8400/app/postings/fbs?tab=awaiting_deliver"


def entry(method: str, url: str, *, request_headers: list[dict[str, str]] | None = None,
          post: dict[str, Any] | None = None, mime: str = "text/html", body: str = "",
          response_headers: list[dict[str, str]] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "headers": request_headers or [], "cookies": [],
                               "queryString": []}
    if post is not None:
        request["postData"] = post
    return {"request": request, "response": {"status": 200, "headers": response_headers or [], "cookies": [],
                                             "content": {"mimeType": mime, "text": body, "size": len(body)},
                                             "redirectURL": ""}}


@pytest.fixture
def har() -> dict[str, Any]:
    posting = {"posting_number": "12345678-0001-1", "buyer": BUYER, "address": ADDRESS, "carrier": "china_post"}
    return {"log": {"entries": [
        entry("POST", "http://127.0.0.1:8400/signin/code",
              post={"mimeType": "application/x-www-form-urlencoded", "text": f"code={CODE}"},
              response_headers=[{"name": "set-cookie", "value": f"sid={SID}; HttpOnly; Path=/"}]),
        entry("GET", LIST_URL, request_headers=[{"name": "cookie", "value": f"sid={SID}; lang=ru"}],
              body=f'<meta name="csrf-token" content="{CSRF}"><title>Заказы</title>'),
        entry("GET", "http://127.0.0.1:8400/api/postings/12345678-0001-1", mime="application/json",
              body=json.dumps(posting, ensure_ascii=False)),
        entry("POST", "http://127.0.0.1:8400/api/postings/12345678-0001-1/tracking?access_token=abcdef123",
              request_headers=[{"name": "X-CSRF-Token", "value": CSRF}], mime="application/json",
              post={"mimeType": "application/json", "text": json.dumps({"tracking_number": "RR123456785CN"})}),
    ]}}


def test_redacted_har_should_hold_no_cookie_token_code_or_buyer_data(har: dict[str, Any]) -> None:
    text = json.dumps(redact_har(har, Redactor()), ensure_ascii=False)

    for secret in (SID, CSRF, CODE, "abcdef123", BUYER["name"], BUYER["phone"], ADDRESS):
        assert secret not in text, secret
    assert REDACTED in text


def test_redacted_har_should_keep_what_replay_matches_on(har: dict[str, Any]) -> None:
    entries = redact_har(har, Redactor())["log"]["entries"]

    assert [e["request"]["url"] for e in entries[:3]] == [
        "http://127.0.0.1:8400/signin/code", LIST_URL, "http://127.0.0.1:8400/api/postings/12345678-0001-1"]
    assert [e["request"]["method"] for e in entries] == ["POST", "GET", "GET", "POST"]
    posting = json.loads(entries[2]["response"]["content"]["text"])
    assert (posting["posting_number"], posting["carrier"]) == ("12345678-0001-1", "china_post")
    assert "<title>Заказы</title>" in entries[1]["response"]["content"]["text"]


def test_redactor_should_replace_the_longest_value_first() -> None:
    redactor = Redactor()
    redactor.add("Ксения", "Ксения Воронцова", "abc")  # "abc": too short to replace everywhere

    assert redactor.text("Покупатель: Ксения Воронцова, abc") == f"Покупатель: {REDACTED}, abc"
