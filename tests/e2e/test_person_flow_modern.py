"""A person's flow on the sandbox's modern front end (``--skin modern``), in Russian, English and Chinese.

The modern skin names nothing for a machine: no test ids, unnamed dialogs, labels that are plain text beside
their fields, a custom dropdown for the delivery service. So these tests do what a person does: read the
visible texts (from the sandbox's own label tables, ``fixtures/sandbox/i18n.py``), click buttons and links by
their text, type into the one field under a label, and pick the carrier from the list the dropdown opens.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from fixtures.sandbox.i18n import BASE_TABLES
from tests.conftest import Oracle

pytestmark = [pytest.mark.e2e, pytest.mark.skins("modern")]

SELLER_PHONE = "+7 900 000-00-00"
LIST_PATH = "/app/postings/fbs"
COOKIE = {"ru": "ru", "en": "en", "zh": "zh-Hans"}
LANGS = pytest.mark.parametrize("lang", ["ru", "en", "zh"], ids=["russian", "english", "chinese"])
RUSSIAN = pytest.mark.parametrize("lang", ["ru"], ids=["russian"])


def text(lang: str, key: str, **params: object) -> str:
    """A visible text of the sandbox in ``lang``."""
    raw = BASE_TABLES[COOKIE[lang]][key]
    return raw.format(**params) if params else raw


def dialog_titled(page: Page, title: str) -> Locator:
    """The dialog a person recognises by its title (the modern skin's dialogs have no accessible name)."""
    return page.get_by_role("dialog").filter(has=page.get_by_text(title, exact=True))


def value_beside(scope: Locator, label: str) -> Locator:
    """The value shown right after a field's label text (label and value are sibling spans)."""
    return scope.locator(f"span:text-is({label!r}) + span")


def wait_for_results(page: Page, lang: str, found: int) -> None:
    """The count a person reads, and the loading text gone."""
    expect(page.get_by_text(text(lang, "list.total", n=found), exact=True)).to_be_visible()
    expect(page.get_by_text(text(lang, "common.loading"), exact=True)).to_be_hidden()


def result_row(page: Page, number: str) -> Locator:
    """The list row holding the link named by a posting number."""
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))


def other_carrier(posting: dict[str, Any]) -> str:
    """A carrier code different from the posting's."""
    return next(code for code in ("cdek", "boxberry", "dpd") if code != posting["carrier"])


def sign_in(page: Page, sandbox: Oracle, lang: str) -> None:
    """From the Ozon ID page: pick the language in the header's dropdown, phone, a wrong code, the right code."""
    expect(page).to_have_url(re.compile(r"/signin\?return="))
    page.get_by_role("button", name=text("ru", "lang.ru"), exact=True).click()  # the language shown: Русский
    page.get_by_role("listbox").get_by_role("option", name=text(lang, "lang." + COOKIE[lang]), exact=True).click()
    expect(page.get_by_role("heading", name=text(lang, "signin.heading"), level=1)).to_be_visible()
    expect(page.get_by_text(text(lang, "signin.phone"), exact=True)).to_be_visible()
    page.get_by_role("textbox").fill(SELLER_PHONE)  # the one field, under the phone label
    page.get_by_role("button", name=text(lang, "signin.get_code"), exact=True).click()
    expect(page.get_by_role("heading", name=text(lang, "signin.code_heading"))).to_be_visible()
    code = [m for m in sandbox.http.get("/_sandbox/outbox").json()["messages"] if m["channel"] == "phone"][-1]["code"]
    page.get_by_role("textbox").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name=text(lang, "signin.submit"), exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(text(lang, "signin.wrong_code"))
    page.get_by_role("textbox").fill(code)
    page.get_by_role("button", name=text(lang, "signin.submit"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(LIST_PATH)))


@LANGS
def test_person_should_change_the_tracking_number_and_the_carrier_on_the_modern_skin(
    page: Page, sandbox: Oracle, lang: str
) -> None:
    posting = next(p for p in sandbox.postings(editable=True, limit=1000) if p["tracking_number"] and p["carrier"])
    number, old = posting["posting_number"], posting["tracking_number"]
    new, carrier = f"MOD-{lang.upper()}-{number[:8]}", other_carrier(posting)
    page.goto(f"{sandbox.url}{LIST_PATH}")
    sign_in(page, sandbox, lang)
    wait_for_results(page, lang, len(sandbox.postings(limit=1000)))

    # Find it by its number: the search box says what it searches in its placeholder.
    search = page.get_by_placeholder(text(lang, "search.label"))
    search.fill(number)
    search.press("Enter")
    wait_for_results(page, lang, 1)
    expect(page.get_by_role("table").get_by_role("row").filter(has=page.get_by_role("cell"))).to_have_count(1)

    # The drawer: a dialog with the posting's title; values beside their labels.
    page.get_by_role("link", name=number, exact=True).click()
    drawer = dialog_titled(page, text(lang, "drawer.title", number=number))
    expect(value_beside(drawer, text(lang, "field.tracking_number"))).to_have_text(old)
    expect(value_beside(drawer, text(lang, "field.carrier"))).to_have_text(text(lang, "carrier." + posting["carrier"]))
    expect(value_beside(drawer, text(lang, "field.buyer"))).to_have_text(posting["buyer_name"])

    # The dialog: one text field under "Tracking number", the carrier in a dropdown showing the current one.
    drawer.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True).click()
    dialog = dialog_titled(page, text(lang, "dialog.title"))
    box = dialog.get_by_role("textbox")
    expect(box).to_have_value(old)
    dialog.get_by_role("button", name=text(lang, "carrier." + posting["carrier"]), exact=True).click()
    options = page.get_by_role("listbox").get_by_role("option")
    expect(options).to_have_count(11)
    options.filter(has_text=re.compile("^" + re.escape(text(lang, "carrier." + carrier)) + "$")).click()
    expect(page.get_by_role("listbox")).to_have_count(0)
    expect(dialog.get_by_role("button", name=text(lang, "carrier." + carrier), exact=True)).to_be_visible()
    box.fill(new)
    dialog.get_by_role("button", name=text(lang, "dialog.save"), exact=True).click()

    expect(page.get_by_role("status").filter(has_text=text(lang, "toast.saved"))).to_be_visible()
    expect(dialog).to_be_hidden()
    expect(value_beside(drawer, text(lang, "field.tracking_number"))).to_have_text(new)
    expect(value_beside(drawer, text(lang, "field.carrier"))).to_have_text(text(lang, "carrier." + carrier))
    drawer.get_by_role("button", name=text(lang, "drawer.close"), exact=True).click()
    expect(drawer).to_be_hidden()
    expect(result_row(page, number).get_by_role("cell").last).to_have_text(new)
    expect(result_row(page, number).get_by_role("cell").nth(4)).to_have_text(text(lang, "carrier." + carrier))
    truth = sandbox.posting(number)
    assert (truth["save_count"], truth["tracking_number"], truth["carrier"]) == (1, new, carrier)
    assert truth["tracking_history"][-1]["old"] == old


@pytest.fixture
def signed_in_page(new_context: Any, signed_in_state: Path, sandbox: Oracle, request: pytest.FixtureRequest) -> Page:
    """A page signed in to the freshly reset sandbox, in the test's ``lang``."""
    context = new_context(storage_state=signed_in_state)
    context.add_cookies([{"name": "lang", "value": COOKIE[request.getfixturevalue("lang")], "url": sandbox.url}])
    page: Page = context.new_page()
    return page


@LANGS
def test_dialog_should_show_a_validation_error_and_save_nothing_on_the_modern_skin(
    signed_in_page: Page, sandbox: Oracle, lang: str
) -> None:
    page = signed_in_page
    posting = sandbox.postings(editable=True, limit=1)[0]
    number = posting["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    drawer = dialog_titled(page, text(lang, "drawer.title", number=number))
    drawer.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True).click()
    dialog = dialog_titled(page, text(lang, "dialog.title"))

    dialog.get_by_role("textbox").fill("AB 12#")
    dialog.get_by_role("button", name=text(lang, "dialog.save"), exact=True).click()

    expect(dialog.get_by_role("alert")).to_have_text(text(lang, "error.illegal_chars"))
    expect(page.get_by_role("status")).to_have_count(0)
    truth = sandbox.posting(number)
    assert (truth["save_count"], truth["tracking_number"]) == (0, posting["tracking_number"])


@pytest.mark.parametrize(("lang", "scheme", "reason_key"),
                         [("ru", "ozon", "reason.ozon_assigns"), ("zh", "aggregator", "reason.carrier_assigns")],
                         ids=["russian-ozon-delivery", "chinese-integrated-carrier"])
def test_drawer_should_say_why_the_number_cannot_change_on_the_modern_skin(
    signed_in_page: Page, sandbox: Oracle, lang: str, scheme: str, reason_key: str
) -> None:
    page = signed_in_page
    number = sandbox.postings(editable=False, tpl=scheme, limit=1)[0]["posting_number"]

    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")

    drawer = dialog_titled(page, text(lang, "drawer.title", number=number))
    expect(drawer.get_by_text(text(lang, reason_key), exact=True)).to_be_visible()
    expect(drawer.get_by_role("button", name=text(lang, "drawer.edit_tracking"))).to_have_count(0)


@RUSSIAN
def test_person_should_page_through_tabs_and_write_to_the_buyer_on_the_modern_skin(
    signed_in_page: Page, sandbox: Oracle, lang: str
) -> None:
    page = signed_in_page
    delivering = sandbox.postings(status="delivering,sent_by_seller,driver_pickup,last_mile", limit=1000)
    page.goto(f"{sandbox.url}{LIST_PATH}")
    page.get_by_role("tab", name=text(lang, "tab.delivering"), exact=True).click()
    expect(page.get_by_role("tab", name=text(lang, "tab.delivering"), exact=True)).to_have_attribute(
        "aria-selected", "true")
    wait_for_results(page, lang, len(delivering))
    pages = -(-len(delivering) // 50)
    if pages > 1:
        page.get_by_role("button", name=text(lang, "pager.next"), exact=True).click()
        expect(page.get_by_text(text(lang, "pager.page", page=2, pages=pages), exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"tab=delivering"))

    number = sandbox.postings(chat=True, limit=1)[0]["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    dialog_titled(page, text(lang, "drawer.title", number=number)).get_by_role(
        "button", name=text(lang, "drawer.chat_buyer"), exact=True).click()
    expect(page.get_by_text(text(lang, "chat.heading"), exact=True)).to_be_visible()
    page.get_by_role("textbox").fill("Здравствуйте! Трек-номер обновлён.")
    page.get_by_role("button", name=text(lang, "chat.send"), exact=True).click()
    expect(page.get_by_role("status").filter(has_text=text(lang, "chat.sent"))).to_be_visible()
    expect(page.get_by_text("Здравствуйте! Трек-номер обновлён.", exact=True)).to_be_visible()
    assert sandbox.posting(number)["messages"][-1]["text"] == "Здравствуйте! Трек-номер обновлён."


@RUSSIAN
def test_challenge_page_should_let_a_person_through_on_the_modern_skin(
    signed_in_page: Page, sandbox: Oracle, lang: str
) -> None:
    page = signed_in_page
    sandbox.configure(antibot_rate=1.0)
    response = page.goto(f"{sandbox.url}{LIST_PATH}")
    assert response is not None and response.status == 403
    expect(page).to_have_title(text(lang, "antibot.heading"))
    expect(page.get_by_text(text(lang, "antibot.text"), exact=True)).to_be_visible()
    page.get_by_role("button", name=text(lang, "antibot.button"), exact=True).click()
    expect(page.get_by_text(text(lang, "list.heading"), exact=True).first).to_be_visible()
    wait_for_results(page, lang, len(sandbox.postings(limit=1000)))


#: Every hook a machine could use instead of what a person sees, found in the live DOM (after rendering).
HOOKS_IN_DOM = r"""() => {
  const hashed = /^[A-Za-z]+(-module)?_[A-Za-z]+_[0-9A-Za-z]{5}$/;
  const found = [];
  for (const node of document.querySelectorAll("*")) {
    const tag = node.tagName.toLowerCase();
    if (["label", "dl", "dt", "dd", "select", "fieldset"].includes(tag)) found.push("<" + tag + ">");
    for (const attr of node.attributes) {
      if (attr.name.startsWith("data-") || ["aria-label", "aria-labelledby", "aria-describedby", "aria-busy", "for",
                                            "title"].includes(attr.name)) found.push(tag + " " + attr.name);
      if (attr.name === "role" && ["group", "note", "log"].includes(attr.value)) found.push(tag + " " + attr.value);
    }
    for (const name of node.classList) if (!hashed.test(name)) found.push(tag + " ." + name);
  }
  return found;
}"""


@RUSSIAN
def test_modern_dom_should_offer_only_what_a_person_sees(signed_in_page: Page, sandbox: Oracle, lang: str) -> None:
    page = signed_in_page
    posting = sandbox.postings(editable=True, limit=1)[0]
    number = posting["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    drawer = dialog_titled(page, text(lang, "drawer.title", number=number))
    drawer.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True).click()
    dialog = dialog_titled(page, text(lang, "dialog.title"))
    dialog.get_by_role("button", name=text(lang, "carrier." + posting["carrier"]), exact=True).click()
    expect(page.get_by_role("option")).to_have_count(11)
    wait_for_results(page, lang, len(sandbox.postings(limit=1000)))

    assert page.evaluate(HOOKS_IN_DOM) == []
    expect(page.get_by_role("dialog")).to_have_count(2)
    expect(page.get_by_role("dialog", name=re.compile(".+"))).to_have_count(0)  # both unnamed
    expect(page.get_by_role("table", name=re.compile(".+"))).to_have_count(0)
    expect(page.get_by_role("combobox")).to_have_count(0)  # no native select
    expect(page.get_by_label(text(lang, "dialog.tracking"))).to_have_count(0)  # the label is not tied to the field
    expect(page.get_by_role("option", name=text(lang, "carrier." + posting["carrier"]), exact=True)).to_have_attribute(
        "aria-selected", "true")
