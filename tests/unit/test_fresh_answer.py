"""Which of the app's requests the read-back may ask again, and what the portal's answer to it proves."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from scenarios.fresh_answer import (
    Answer,
    PostingQuestion,
    ask_again,
    best_question,
    holds,
    question_of,
    tracking_fields,
)

N, T = "0123456789-0001-1", "RR123456785CN"
ORIGIN = "https://seller.ozon.ru"


def answer(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


TRACKING: tuple[tuple[str, ...], ...] = (("tracking_number",),)


@pytest.mark.parametrize(("data", "fields"), [
    ({"data": {"posting": {"posting_number": N, "tracking_number": "RA000000000RU", "carrier": "cainiao"}}},
     TRACKING),
    ({"postings": [{"posting_number": "0000000000-0000-1", "tracking_number": "RA000000000RU"},
                   {"posting_number": N, "tracking_number": "ra 000000000 ru"}]}, TRACKING),  # as typed
    ({"result": {"postingNumber": N, "delivery": {"trackNumber": "RA000000000RU"}}}, (("delivery", "trackNumber"),)),
    ({"posting_number": N, "tracking_number": "RA000000000RU", "barcode": "RA000000000RU"},
     (("tracking_number",), ("barcode",))),
    # A list inside the posting (history, items) is never where its current number is.
    ({"posting_number": N, "tracking": "", "history": [{"tracking_number": "RA000000000RU"}]}, ()),
    ({"posting_number": N, "tracking_number": "RA000000000RU", "echo": {"posting_number": N}}, ()),  # named twice
    ("not json", ()),
], ids=["detail", "list", "nested-object", "two-fields", "only-in-history", "named-twice", "not-json"])
def test_tracking_fields_should_find_where_the_postings_object_holds_the_number_shown(
    data: Any, fields: tuple[tuple[str, ...], ...]
) -> None:
    text = data if isinstance(data, str) else answer(data)

    assert tracking_fields(text, N, "RA000000000RU") == fields


def test_tracking_fields_should_learn_nothing_from_a_posting_without_a_number() -> None:
    assert tracking_fields(answer({"posting_number": N, "tracking_number": "", "carrier": ""}), N, "") == ()


@pytest.mark.parametrize(("data", "fields"), [
    ({"data": {"posting": {"posting_number": N, "tracking_number": T, "carrier": "cainiao"}}}, TRACKING),
    ({"postings": [{"posting_number": "0000000000-0000-1", "tracking_number": "RA000000000RU"},
                   {"posting_number": N, "tracking_number": T}], "total": 2}, TRACKING),
    ({"result": {"postingNumber": N, "delivery": {"trackNumber": T}}}, (("delivery", "trackNumber"),)),
    ({"posting_number": N, "tracking_number": " rr123456785cn "}, TRACKING),  # as the portal spells it
    ({"posting_number": N, "tracking_number": T, "barcode": T}, (("tracking_number",), ("barcode",))),
], ids=["detail", "list", "nested-object", "spelled-otherwise", "two-fields"])
def test_holds_should_say_yes_when_the_postings_tracking_field_holds_the_number(
    data: Any, fields: tuple[tuple[str, ...], ...]
) -> None:
    assert holds(answer(data), N, T, fields) is True


@pytest.mark.parametrize("data", [
    {"posting": {"posting_number": N, "tracking_number": "RA000000000RU"}},
    # The number is another posting's: one parcel, several postings.
    {"postings": [{"posting_number": "0000000000-0000-1", "tracking_number": T},
                  {"posting_number": N, "tracking_number": ""}]},
    # The new number waits for approval in another field; the posting's own is still the old one.
    {"posting_number": N, "tracking_number": "RA000000000RU", "requested_tracking_number": T},
    # In a list inside the posting: history, never its current number.
    {"posting_number": N, "tracking_number": "RA000000000RU", "history": [{"tracking_number": T}]},
    {"posting_number": N, "tracking_number": T + "X"},
    {"posting_number": N, "trackNumber": T},  # the field is gone: the answer does not say
    {"posting_number": N, "tracking_number": None},
], ids=["old-number", "another-postings-number", "pending-elsewhere", "only-in-history", "longer-number",
        "field-missing", "field-null"])
def test_holds_should_say_no_when_the_postings_tracking_field_lacks_the_number(data: Any) -> None:
    assert holds(answer(data), N, T, TRACKING) is False


def test_holds_should_say_no_unless_every_tracking_field_holds_the_number() -> None:
    both = (("tracking_number",), ("barcode",))

    assert holds(answer({"posting_number": N, "tracking_number": T, "barcode": "RA000000000RU"}), N, T, both) is False


@pytest.mark.parametrize("text", [
    "<html>Доступ ограничен</html>",
    "",
    answer({"posting": {"posting_number": N, "tracking_number": T}, "echo": {"postingNumber": N}}),  # named twice
    answer({"postings": [{"id": 1, "tracking_number": T}]}),  # the posting not named at all
    answer([N, T]),  # no object
], ids=["html", "empty", "named-twice", "not-named", "no-object"])
def test_holds_should_not_tell_when_the_answer_does_not_name_the_posting_once(text: str) -> None:
    assert holds(text, N, T, TRACKING) is None


def test_holds_should_not_tell_before_the_tracking_field_is_learned() -> None:
    assert holds(answer({"posting_number": N, "tracking_number": T}), N, T, ()) is None


@dataclass
class FakeRequest:
    """What ``question_of`` reads of a Playwright request."""

    method: str = "GET"
    resource_type: str = "fetch"
    headers: dict[str, str] = field(default_factory=lambda: {
        "accept": "application/json", "x-o3-app-name": "seller-ui", "cookie": "__Secure-access-token=secret",
        "user-agent": "Chromium", "referer": "https://seller.ozon.ru/", "sec-fetch-mode": "cors",
        ":authority": "seller.ozon.ru"})


@dataclass
class FakeResponse:
    """What ``question_of`` reads of a Playwright response (its request, status, headers and URL)."""

    url: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json; charset=utf-8"})
    request: FakeRequest = field(default_factory=FakeRequest)


def test_question_of_should_keep_the_apps_own_headers_and_never_the_cookie() -> None:
    response = FakeResponse(f"https://seller.ozon.ru/api/postings/{N}")

    question = question_of(response, N, ORIGIN)  # type: ignore[arg-type]

    assert question == PostingQuestion(N, f"https://seller.ozon.ru/api/postings/{N}",
                                       {"accept": "application/json", "x-o3-app-name": "seller-ui"}, own=True)
    assert question.headers == {"accept": "application/json", "x-o3-app-name": "seller-ui"}
    assert "x-o3-app-name" not in repr(question), "its headers (a token, maybe) stay out of logs"


@pytest.mark.parametrize("kind", ["fetch", "xhr"])
def test_question_of_should_keep_a_question_the_app_asked_with_fetch_or_xhr(kind: str) -> None:
    response = FakeResponse(f"{ORIGIN}/api/postings/{N}", request=FakeRequest(resource_type=kind))

    question = question_of(response, N, ORIGIN)  # type: ignore[arg-type]

    assert question is not None and question.url == f"{ORIGIN}/api/postings/{N}"


def test_question_of_should_tell_a_list_filtered_to_the_posting_from_its_own_resource() -> None:
    response = FakeResponse(f"https://seller.ozon.ru/api/postings?postingNumber={N}&page=1")

    question = question_of(response, N, ORIGIN)  # type: ignore[arg-type]

    assert question is not None and not question.own


@pytest.mark.parametrize("response", [
    FakeResponse(f"{ORIGIN}/api/postings/{N}", request=FakeRequest(method="POST")),  # a POST may write
    FakeResponse(f"{ORIGIN}/api/postings/{N}", request=FakeRequest(resource_type="document")),
    FakeResponse(f"{ORIGIN}/api/postings/{N}", status=404),
    FakeResponse(f"{ORIGIN}/api/postings/{N}", headers={"content-type": "text/html"}),
    FakeResponse(f"{ORIGIN}/api/postings/{N}", headers={}),
    FakeResponse(f"{ORIGIN}/api/postings/0000000000-0000-1"),
    FakeResponse(f"https://api.example.com/postings/{N}"),  # another host: the page's cookies stay home
], ids=["post", "page-load", "not-found", "not-json", "no-content-type", "another-posting", "another-host"])
def test_question_of_should_keep_only_json_answers_to_the_apps_gets_about_the_posting(response: FakeResponse) -> None:
    assert question_of(response, N, ORIGIN) is None  # type: ignore[arg-type]


def test_best_question_should_prefer_the_postings_own_resource_then_the_latest() -> None:
    listed = PostingQuestion(N, "https://x/api/postings?postingNumber=" + N, {}, own=False)
    own_1 = PostingQuestion(N, "https://x/api/postings/" + N, {}, own=True)
    own_2 = PostingQuestion(N, "https://x/api/postings/" + N + "?v=2", {}, own=True)

    assert best_question([]) is None
    assert best_question([listed]) == listed
    assert best_question([own_1, listed]) == own_1
    assert best_question([own_1, listed, own_2]) == own_2


# ask_again, in Chromium, against a portal served by routes on localhost (a secure origin: service workers run).
PORTAL = "http://localhost:8931"
POSTING_URL = f"{PORTAL}/api/postings/1-1"
PORTAL_ANSWER = json.dumps({"posting": {"posting_number": "1-1", "tracking_number": "RA000000001RU"}})


def portal_page(page: Page, script: str = "") -> PostingQuestion:
    """A page of the portal whose app asks about posting 1-1; the question as the agent would keep it."""

    def answer(route: Route) -> None:
        if route.request.url.endswith("/worker.js"):
            route.fulfill(status=200, content_type="text/javascript", body=CACHING_WORKER)
        elif route.request.url == POSTING_URL:
            # The portal answers only what the app asks with its own headers (a client name, a company).
            known = route.request.headers.get("x-o3-app-name") == "seller-ui"
            route.fulfill(status=200 if known else 400, content_type="application/json", body=PORTAL_ANSWER)
        else:
            route.fulfill(status=200, content_type="text/html", body=f"<h1>Отправления</h1><script>{script}</script>")

    page.context.route(f"{PORTAL}/**", answer)
    page.goto(f"{PORTAL}/app/postings")
    return PostingQuestion("1-1", POSTING_URL, {"accept": "application/json", "x-o3-app-name": "seller-ui"},
                           own=True)


#: The page's own fetch answers questions about postings from what it keeps (and meanwhile the app reads
#: something else from the portal: a response on the network, but not to the question).
KEEPING_FETCH = """const network = window.fetch.bind(window);
window.fetch = (input, init) => {
  if (!String(input).includes("/api/postings/")) return network(input, init);
  network("/api/notifications");
  return Promise.resolve(new Response('{"kept": "by the page"}', {status: 200}));
};"""

#: A service worker that answers questions about postings from what it keeps.
CACHING_WORKER = """self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", event => event.waitUntil(clients.claim()));
self.addEventListener("fetch", event => {
  if (event.request.url.includes("/api/postings/")) event.respondWith(new Response('{"kept": "by the worker"}'));
});"""


def test_ask_again_should_take_an_answer_the_network_carried_as_the_portals(page: Page) -> None:
    question = portal_page(page)

    answer = ask_again(page, question, timeout_ms=5_000)

    assert answer == Answer(200, PORTAL_ANSWER, from_portal=True)


def test_ask_again_should_not_take_an_answer_the_pages_own_fetch_gave_for_the_portals(page: Page) -> None:
    question = portal_page(page, KEEPING_FETCH)

    answer = ask_again(page, question, timeout_ms=1_000)

    assert answer == Answer(200, '{"kept": "by the page"}', from_portal=False)


def test_ask_again_should_not_take_a_service_workers_answer_for_the_portals(page: Page) -> None:
    question = portal_page(page)
    page.evaluate("""async () => {
      await navigator.serviceWorker.register("/worker.js");
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise(done => navigator.serviceWorker.addEventListener("controllerchange", done));
      }
    }""")

    answer = ask_again(page, question, timeout_ms=5_000)

    assert answer == Answer(200, '{"kept": "by the worker"}', from_portal=False)


def test_ask_again_should_give_nothing_when_no_answer_comes(page: Page) -> None:
    question = portal_page(page)
    page.context.route(POSTING_URL, lambda route: route.abort())

    assert ask_again(page, question, timeout_ms=5_000) is None
