"""A person's flow in the sandbox back-office, in Russian, English and Chinese (sandbox acceptance).

These tests drive the page with raw role and label locators, the way a person sees it, not through the page
objects: they check the sandbox itself (the page objects' own suite is ``tests/flow``). The labels come from
``pages.labels.LABELS``; the few strings a person reads that the agent never looks for are written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from pages.label_tables import LABELS
from tests.conftest import Oracle

# This is the classic front end's own acceptance (named tables, groups, a native select); the modern one has
# test_person_flow_modern.py.
pytestmark = [pytest.mark.e2e, pytest.mark.skins("classic")]

SELLER_PHONE = "+7 900 000-00-00"
LIST_PATH = "/app/postings/fbs"
LANGS = pytest.mark.parametrize("lang", ["ru", "en", "zh"], ids=["russian", "english", "chinese"])


@dataclass(frozen=True)
class Seen:
    """What a person reads in one language beyond the labels the agent looks for."""

    cookie: str  # the ``lang`` cookie value
    language_option: str  # the option of the header's language select
    signin_heading: str
    list_heading: str
    found: str  # the result count, ``{n}`` filled
    illegal_chars: str


SEEN = {
    "ru": Seen("ru", "Русский", "Вход", "Заказы", "Найдено: {n}",
               "Трек-номер может содержать только латинские буквы, цифры и дефис"),
    "en": Seen("en", "English", "Sign in", "Orders", "Found: {n}",
               "The tracking number may contain only Latin letters, digits and hyphens"),
    "zh": Seen("zh-Hans", "中文", "登录", "订单", "共 {n} 个货件", "跟踪号只能包含拉丁字母、数字和连字符"),
}
#: The language select's label is in the language the page is in; a person starts on the Russian page.
LANGUAGE_SELECT = "Язык"


def matches(posting: dict[str, Any], term: str) -> bool:
    """The contract's search: a posting number (exact or prefix), a buyer name substring, a product word or SKU."""
    term = term.strip().casefold()
    words: set[str] = set()
    for item in posting["items"]:
        for word in item["name"].casefold().replace(",", " ").split():
            words.update({word, *(part for part in word.split("-") if part)})
        words.add(item["sku"].casefold())
    return posting["posting_number"].startswith(term) or term in posting["buyer_name"].casefold() or term in words


@dataclass(frozen=True)
class Target:
    """An editable posting and three searches that find it, each with a different number of results."""

    posting: dict[str, Any]
    surname: str
    surname_hits: int
    product_word: str
    product_word_hits: int


def searchable_target(sandbox: Oracle) -> Target:
    """An editable posting with a number, whose surname and one product word each find 2-50 postings.

    Each search's count differs from the one before it, so the count shown tells that the new results are in.
    """
    everything = sandbox.postings(limit=1000)
    for posting in everything:
        if not (posting["editable"] and posting["tracking_number"]):
            continue
        surname = posting["buyer_name"].split()[0].casefold()
        surname_hits = sum(matches(p, surname) for p in everything)
        if not 2 <= surname_hits <= 50:
            continue
        for item in posting["items"]:
            for word in item["name"].casefold().split():
                hits = sum(matches(p, word) for p in everything)
                if word.isalpha() and len(word) >= 5 and 2 <= hits <= 50 and hits != surname_hits:
                    return Target(posting, surname, surname_hits, word, hits)
    raise AssertionError("the sandbox seed has no posting fit for the search flow")


def postings_table(page: Page, lang: str) -> Locator:
    return page.get_by_role("table", name=LABELS[lang].postings_table, exact=True)


def result_rows(page: Page, lang: str) -> Locator:
    """The rows of results (the header row holds column headers, not cells)."""
    return postings_table(page, lang).get_by_role("row").filter(has=page.get_by_role("cell"))


def result_row(page: Page, lang: str, number: str) -> Locator:
    """The list row of a posting: the row holding the button named by its number."""
    return result_rows(page, lang).filter(has=page.get_by_role("button", name=number, exact=True))


def drawer_of(page: Page, lang: str, number: str) -> Locator:
    return page.get_by_role("dialog", name=LABELS[lang].drawer_name.format(number), exact=True)


def drawer_field(drawer: Locator, label: str) -> Locator:
    return drawer.get_by_role("group", name=label, exact=True)


def search_for(page: Page, lang: str, term: str, hits: int) -> None:
    """Type a search and press Enter, then wait for the count of results a person reads."""
    box = page.get_by_role("searchbox", name=LABELS[lang].search_box)
    box.fill(term)
    box.press("Enter")
    expect(page.get_by_text(SEEN[lang].found.format(n=hits), exact=True)).to_be_visible()
    expect(postings_table(page, lang)).to_have_attribute("aria-busy", "false")


@pytest.fixture
def signed_in_page(new_context: Any, signed_in_state: Path, sandbox: Oracle, request: pytest.FixtureRequest) -> Page:
    """A page signed in to the freshly reset sandbox, in the test's ``lang``."""
    context = new_context(storage_state=signed_in_state)
    context.add_cookies([{"name": "lang", "value": SEEN[request.getfixturevalue("lang")].cookie, "url": sandbox.url}])
    page: Page = context.new_page()
    return page


@LANGS
def test_person_should_sign_in_find_a_posting_and_change_its_tracking_number(
    page: Page, sandbox: Oracle, lang: str
) -> None:
    lb, seen = LABELS[lang], SEEN[lang]
    target = searchable_target(sandbox)
    number, old = target.posting["posting_number"], target.posting["tracking_number"]
    new = f"E2E-{lang.upper()}-{number[:8]}"

    # Signing in: the portal sends us to Ozon ID; a person picks the language in the header first.
    page.goto(f"{sandbox.url}{LIST_PATH}")
    expect(page).to_have_url(re.compile(r"/signin\?return="))
    page.get_by_label(LANGUAGE_SELECT).select_option(label=seen.language_option)
    expect(page.get_by_role("heading", name=seen.signin_heading, level=1)).to_be_visible()
    page.get_by_label(lb.login_phone, exact=True).fill(SELLER_PHONE)
    page.get_by_role("button", name=lb.login_get_code).click()
    expect(page.get_by_role("heading", name=lb.login_code_heading)).to_be_visible()
    sent = [m for m in sandbox.http.get("/_sandbox/outbox").json()["messages"] if m["channel"] == "phone"]
    code = sent[-1]["code"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page.get_by_label(lb.login_code, exact=True).fill(wrong)
    page.get_by_role("button", name=lb.login_submit, exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(lb.login_wrong_code)
    page.get_by_label(lb.login_code, exact=True).fill(code)
    page.get_by_role("button", name=lb.login_submit, exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(LIST_PATH)))
    expect(page.get_by_role("heading", name=seen.list_heading, level=1)).to_be_visible()
    expect(page.get_by_text(seen.found.format(n=len(sandbox.postings(limit=1000))), exact=True)).to_be_visible()

    # Searching: by the posting number, by the buyer's surname (any case), by a word of a product.
    search_for(page, lang, number, 1)
    expect(result_rows(page, lang)).to_have_count(1)
    expect(result_row(page, lang, number)).to_be_visible()
    search_for(page, lang, target.surname.upper(), target.surname_hits)
    expect(result_row(page, lang, number)).to_be_visible()
    expect(result_rows(page, lang)).to_have_count(target.surname_hits)
    expect(result_rows(page, lang).filter(has_not_text=re.compile(target.surname, re.IGNORECASE))).to_have_count(0)
    search_for(page, lang, target.product_word, target.product_word_hits)
    expect(result_row(page, lang, number)).to_be_visible()

    # The drawer, the dialog, the save.
    page.get_by_role("button", name=number, exact=True).click()
    drawer = drawer_of(page, lang, number)
    expect(drawer).to_be_visible()
    expect(drawer_field(drawer, lb.field_tracking_number)).to_contain_text(old)
    expect(drawer_field(drawer, lb.field_buyer)).to_contain_text(target.posting["buyer_name"])
    drawer.get_by_role("button", name=lb.edit_tracking).click()
    dialog = page.get_by_role("dialog", name=lb.tracking_dialog, exact=True)
    number_box = dialog.get_by_label(lb.tracking_input, exact=True)
    expect(number_box).to_have_value(old)
    expect(dialog.get_by_label(lb.carrier_select, exact=True)).to_have_value(target.posting["carrier"])
    number_box.fill(new)
    dialog.get_by_role("button", name=lb.save, exact=True).click()

    expect(page.get_by_role("status").filter(has_text=lb.saved_toast)).to_be_visible()
    expect(dialog).to_be_hidden()
    expect(drawer_field(drawer, lb.field_tracking_number)).to_contain_text(new)
    drawer.get_by_role("button", name=lb.close, exact=True).last.click()  # the footer's, not the corner's ×
    expect(drawer).to_be_hidden()
    expect(result_row(page, lang, number).get_by_role("cell").last).to_have_text(new)
    truth = sandbox.posting(number)
    assert truth["save_count"] == 1
    assert truth["tracking_number"] == new
    assert truth["tracking_history"][-1]["old"] == old


@pytest.mark.parametrize(
    ("lang", "status", "scheme", "reason"),
    [
        ("ru", "delivered", "non_integrated", "Статус «Доставлено» не позволяет изменить трек-номер"),
        ("en", None, "ozon", "The tracking number is assigned by Ozon's delivery service"),
        ("zh", None, "aggregator", "跟踪号由集成物流服务商指定"),
    ],
    ids=["russian-delivered", "english-ozon-delivery", "chinese-integrated-carrier"],
)
def test_drawer_should_show_no_edit_button_and_say_why_when_the_number_cannot_change(
    signed_in_page: Page, sandbox: Oracle, lang: str, status: str | None, scheme: str, reason: str
) -> None:
    page, lb = signed_in_page, LABELS[lang]
    query = {"editable": False, "tpl": scheme, **({"status": status} if status else {})}
    number = sandbox.postings(limit=1, **query)[0]["posting_number"]

    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")

    drawer = drawer_of(page, lang, number)
    expect(drawer.get_by_role("note").filter(has_text=reason)).to_have_text(reason)
    expect(drawer.get_by_role("button", name=lb.edit_tracking)).to_have_count(0)
    expect(drawer.get_by_role("button", name=lb.close, exact=True).last).to_be_visible()


@LANGS
def test_dialog_should_refuse_an_illegal_number_with_a_localized_error(
    signed_in_page: Page, sandbox: Oracle, lang: str
) -> None:
    page, lb = signed_in_page, LABELS[lang]
    posting = sandbox.postings(editable=True, limit=1)[0]
    number = posting["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    drawer_of(page, lang, number).get_by_role("button", name=lb.edit_tracking).click()
    dialog = page.get_by_role("dialog", name=lb.tracking_dialog, exact=True)

    dialog.get_by_label(lb.tracking_input, exact=True).fill("AB 12#")
    dialog.get_by_role("button", name=lb.save, exact=True).click()

    expect(dialog.get_by_role("alert")).to_have_text(SEEN[lang].illegal_chars)
    expect(dialog).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=lb.saved_toast)).to_have_count(0)
    truth = sandbox.posting(number)
    assert truth["save_count"] == 0
    assert truth["tracking_number"] == posting["tracking_number"]
