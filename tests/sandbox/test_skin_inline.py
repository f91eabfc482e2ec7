"""The inline front end (``skin=inline``) and the ``double_submit`` and ``save_url`` knobs.

The inline skin is the modern kit in another shape: a posting's details are a page section that replaces the
list (a back link, an ``<h1>`` worded differently from the label table, fields stacked label above value,
nothing modal), and the tracking number is edited in place, in its row. The HTTP tests check what the server
sends; the browser tests (``e2e``) act as a person does, by visible text and roles, against the real sandbox.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, Request, expect

from fixtures.sandbox.i18n import BASE_TABLES, SKIN_TABLES, Labels
from fixtures.sandbox.skin import SKINS, class_map
from tests.conftest import Oracle
from tests.e2e.test_person_flow_modern import HOOKS_IN_DOM, dialog_titled
from tests.sandbox.conftest import LIST_PATH, SELLER_PHONE, Seller, one_posting
from tests.sandbox.test_skin_modern import FORBIDDEN_IN_SCRIPTS, HASHED_CLASS, hooks_in, state_of

COOKIE = {"ru": "ru", "en": "en", "zh": "zh-Hans"}
#: The inline skin's own words, and what the label table (the other skins) says instead.
REWORDED = {
    "ru": {"drawer.title": "Отправление № {number}", "drawer.edit_tracking": "Изменить", "dialog.cancel": "Отменить",
           "drawer.chat_buyer": "Чат с покупателем"},
    "en": {"drawer.title": "Posting No. {number}", "drawer.edit_tracking": "Edit", "dialog.cancel": "Discard",
           "drawer.chat_buyer": "Chat with buyer"},
    "zh": {"drawer.title": "货件 #{number}", "drawer.edit_tracking": "修改", "dialog.cancel": "放弃",
           "drawer.chat_buyer": "给买家发消息"},
}


def text(lang: str, key: str, front_end: str = "inline", **params: object) -> str:
    """A visible text of the sandbox in ``lang`` as front end ``front_end`` words it."""
    raw = Labels().table(COOKIE[lang], front_end)[key]
    return raw.format(**params) if params else raw


@pytest.fixture
def inline(oracle: httpx.Client) -> httpx.Client:
    """The sandbox switched to the inline skin at run time (the oracle's reset restores classic)."""
    oracle.post("/_sandbox/config", json={"skin": "inline"}).raise_for_status()
    return oracle


# -- what the server sends ----------------------------------------------------------------------------------
def test_inline_pages_should_carry_no_test_ids_data_attributes_or_aria_names(
    seller: Seller, inline: httpx.Client, anon: httpx.Client
) -> None:
    number = one_posting(inline, chat="true")["posting_number"]
    pages = {
        "list": seller.client.get(LIST_PATH).text,
        "list with details": seller.client.get(f"{LIST_PATH}?postingDetails={number}").text,
        "messenger": seller.client.get(f"/app/messenger/?posting={number}").text,
    }
    with httpx.Client(base_url=str(anon.base_url)) as stranger:
        pages["sign-in"] = stranger.get("/signin").text
        stranger.post("/signin", data={"phone": SELLER_PHONE})
        pages["code"] = stranger.get("/signin/code").text
        inline.post("/_sandbox/config", json={"antibot_rate": 1}).raise_for_status()
        pages["anti-bot"] = stranger.get(LIST_PATH).text

    assert {name: hooks_in(html) for name, html in pages.items()} == {name: [] for name in pages}
    assert '/static/inline/details.js' in pages["list"] and "drawer.js" not in pages["list"]
    assert "/static/modern/list.js" in pages["list"] and "/static/modern/chat.js" in pages["messenger"]


def test_inline_details_script_should_build_no_hooks_and_nothing_modal(anon: httpx.Client) -> None:
    response = anon.get("/static/inline/details.js")
    assert response.status_code == 200
    code = "\n".join(line.split("//", 1)[0] for line in response.text.splitlines())  # comments may name them

    assert [m.group(0) for m in FORBIDDEN_IN_SCRIPTS.finditer(code)] == []
    modal = re.compile(r"""el\("dialog"|"dialog"|aria-modal|overlay|role:|\bid:|uid\(""")
    assert [m.group(0) for m in modal.finditer(code)] == []  # no dialog, no role=alert on the error, no ids


def test_inline_class_names_should_be_in_the_build_map_with_a_hash(seller: Seller, inline: httpx.Client,
                                                                   anon: httpx.Client) -> None:
    classes = state_of(seller.client.get(LIST_PATH).text)["cx"]
    script = anon.get("/static/inline/details.js").text
    used = set(re.findall(r'"([a-z]+-module_[A-Za-z]+)"', script))

    assert isinstance(classes, dict) and {"details-module_grid", "tracking-module_error"} <= used
    assert sorted(used - set(classes)) == []  # a name missing from the map throws in the page
    assert all(HASHED_CLASS.match(classes[name]) for name in used)
    assert classes == class_map()


@pytest.mark.parametrize("lang", ["ru", "en", "zh"], ids=["russian", "english", "chinese"])
def test_inline_skin_should_reword_four_labels_and_keep_the_rest(
    seller: Seller, inline: httpx.Client, lang: str
) -> None:
    seller.client.cookies.set("lang", COOKIE[lang])
    labels = state_of(seller.client.get(LIST_PATH).text)["labels"]
    base = BASE_TABLES[COOKIE[lang]]

    assert isinstance(labels, dict)
    assert {key: labels[key] for key in REWORDED[lang]} == REWORDED[lang]
    assert all(base[key] != words for key, words in REWORDED[lang].items())  # the label table says otherwise
    assert {k: v for k, v in labels.items() if k not in REWORDED[lang]} == {
        k: v for k, v in base.items() if k not in REWORDED[lang]}
    assert inline.get("/_sandbox/labels", params={"lang": COOKIE[lang]}).json() == labels
    assert SKIN_TABLES["inline"][COOKIE[lang]] == REWORDED[lang]


def test_inline_labels_should_be_overridable_and_reset_to_the_skins_own(seller: Seller, inline: httpx.Client) -> None:
    def edit_control() -> object:
        labels = state_of(seller.client.get(LIST_PATH).text)["labels"]
        return labels.get("drawer.edit_tracking") if isinstance(labels, dict) else None

    inline.post("/_sandbox/labels", json={"lang": "ru", "key": "drawer.edit_tracking", "text": "Править"}
                ).raise_for_status()
    assert edit_control() == "Править"

    inline.post("/_sandbox/reset").raise_for_status()
    inline.post("/_sandbox/config", json={"skin": "inline"}).raise_for_status()
    assert edit_control() == "Изменить"
    inline.post("/_sandbox/config", json={"skin": "modern"}).raise_for_status()
    assert edit_control() == "Указать или изменить трек-номер"


def test_inline_skin_should_be_chosen_at_run_time_and_reset_to_the_start_skin(seller: Seller,
                                                                              oracle: httpx.Client) -> None:
    assert oracle.post("/_sandbox/config", json={"skin": "inline"}).json()["skin"] == "inline"
    assert "/static/inline/details.js" in seller.client.get(LIST_PATH).text
    oracle.post("/_sandbox/reset").raise_for_status()
    assert oracle.get("/_sandbox/config").json()["skin"] == "classic"
    assert 'data-testid="posting-drawer"' in seller.client.get(LIST_PATH).text


@pytest.mark.parametrize("front_end", SKINS)
def test_double_submit_should_round_trip_and_reach_every_front_end(seller: Seller, oracle: httpx.Client,
                                                                    front_end: str) -> None:
    oracle.post("/_sandbox/config", json={"skin": front_end}).raise_for_status()
    assert oracle.get("/_sandbox/config").json()["double_submit"] is False
    off = seller.client.get(LIST_PATH).text
    assert oracle.post("/_sandbox/config", json={"double_submit": True}).json()["double_submit"] is True
    on = seller.client.get(LIST_PATH).text
    assert oracle.post("/_sandbox/config", json={"double_submit": "twice"}).status_code == 422

    assert '"doubleSubmit": false' in off and '"doubleSubmit": true' in on
    oracle.post("/_sandbox/reset").raise_for_status()
    assert oracle.get("/_sandbox/config").json()["double_submit"] is False


@pytest.mark.parametrize("entry", ["ozon-rpa sandbox", "python -m fixtures.sandbox"])
def test_inline_skin_should_be_chosen_on_the_command_line(entry: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import fixtures.sandbox.__main__ as module_main
    import fixtures.sandbox.server as server_module
    from agent.cli.app import app

    served: list[tuple[str, bool]] = []
    # Stand in for the blocking serve() only: this checks the options' wiring, not the server.
    monkeypatch.setattr(server_module, "serve", lambda config, host, port: served.append((config.skin,
                                                                                          config.double_submit)))
    monkeypatch.setattr(module_main, "serve", lambda config, host, port: served.append((config.skin,
                                                                                        config.double_submit)))
    if entry == "ozon-rpa sandbox":
        assert CliRunner().invoke(app, ["sandbox", "--skin", "inline"]).exit_code == 0
        assert served == [("inline", False)]
    else:
        module_main.main(["--skin", "inline", "--double-submit"])
        module_main.main(["--skin", "inline"])
        assert served == [("inline", True), ("inline", False)]


# -- a person in the browser ----------------------------------------------------------------------------------


def in_browser(test: Any) -> Any:
    """A browser test of the inline front end, whatever ``--skins`` says."""
    return pytest.mark.e2e(pytest.mark.skins("inline")(test))


LANGS = pytest.mark.parametrize("lang", ["ru", "en", "zh"], ids=["russian", "english", "chinese"])
RUSSIAN = pytest.mark.parametrize("lang", ["ru"], ids=["russian"])


@pytest.fixture
def person(new_context: Any, signed_in_state: Path, sandbox: Oracle, request: pytest.FixtureRequest) -> Page:
    """A signed-in page on the freshly reset sandbox, in the test's ``lang`` (Russian when it has none)."""
    lang = request.getfixturevalue("lang") if "lang" in request.fixturenames else "ru"
    context = new_context(storage_state=signed_in_state)
    context.add_cookies([{"name": "lang", "value": COOKIE[lang], "url": sandbox.url}])
    page: Page = context.new_page()
    return page


def details(page: Page, lang: str, number: str) -> Locator:
    """The page section a person recognises by its heading: «Отправление № N»."""
    heading = page.get_by_role("heading", level=1, name=text(lang, "drawer.title", number=number), exact=True)
    expect(heading).to_be_visible()
    return page.locator("section").filter(has=heading)


def value_under(scope: Locator, label: str) -> Locator:
    """The value stacked under a field's label (sibling <div>s)."""
    return scope.locator(f"div:text-is({label!r}) + div")


def tracking_row(scope: Locator, lang: str) -> Locator:
    """The row of the tracking number: its label and what follows it (the value, or the form in place)."""
    return scope.locator(f"div:has(> div:text-is({text(lang, 'field.tracking_number')!r}))")


def editable_posting(sandbox: Oracle) -> dict[str, Any]:
    return next(p for p in sandbox.postings(editable=True, limit=1000) if p["tracking_number"] and p["carrier"])


@LANGS
@in_browser
def test_person_should_edit_the_number_in_place_and_save_it_once(person: Page, sandbox: Oracle, lang: str) -> None:
    page = person
    posting = editable_posting(sandbox)
    number, old = posting["posting_number"], posting["tracking_number"]
    new, carrier = f"INL-{lang.upper()}-{number[:8]}", next(c for c in ("cdek", "dpd") if c != posting["carrier"])
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    section = details(page, lang, number)
    for key, value in [("posting_number", number), ("tracking_number", old), ("buyer", posting["buyer_name"]),
                       ("phone", posting["buyer_phone"]), ("address", posting["address"]),
                       ("carrier", text(lang, "carrier." + posting["carrier"]))]:
        label = section.get_by_text(text(lang, "field." + key), exact=True)
        under = value_under(section, text(lang, "field." + key))
        expect(under).to_contain_text(value)
        label_box, value_box = label.bounding_box(), under.bounding_box()
        assert label_box and value_box and value_box["y"] >= label_box["y"] + label_box["height"] - 1, key
    expect(section.get_by_role("table").get_by_role("columnheader")).to_have_count(4)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("dialog, [aria-modal]")).to_have_count(0)

    section.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True).click()
    box = section.get_by_role("textbox")
    expect(box).to_be_focused()
    expect(box).to_have_value(old)
    expect(box).to_have_attribute("placeholder", text(lang, "details.tracking_placeholder"))
    assert page.evaluate("() => { const box = document.activeElement;"
                         " return box.value.substring(box.selectionStart, box.selectionEnd); }") == old  # selected
    section.get_by_role("button", name=text(lang, "carrier." + posting["carrier"]), exact=True).click()
    page.get_by_role("listbox").get_by_role("option", name=text(lang, "carrier." + carrier), exact=True).click()
    box.fill(new)
    section.get_by_role("button", name=text(lang, "dialog.save"), exact=True).click()

    expect(page.get_by_role("status").filter(has_text=text(lang, "toast.saved"))).to_be_visible()
    expect(section.get_by_role("textbox")).to_have_count(0)
    expect(value_under(section, text(lang, "field.tracking_number"))).to_contain_text(new)
    expect(value_under(section, text(lang, "field.carrier"))).to_have_text(text(lang, "carrier." + carrier))
    truth = sandbox.posting(number)
    assert (truth["save_count"], truth["save_requests"], truth["tracking_number"], truth["carrier"]) == (
        1, 1, new, carrier)

    section.get_by_role("link", name=text(lang, "details.back"), exact=True).click()  # the list shows the change
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=number, exact=True))
    expect(row.get_by_role("cell").last).to_have_text(new)


@RUSSIAN
@in_browser
def test_person_should_open_a_posting_from_the_list_and_come_back(person: Page, sandbox: Oracle, lang: str) -> None:
    page = person
    page.goto(f"{sandbox.url}{LIST_PATH}")
    expect(page.get_by_text(text(lang, "list.total", n=len(sandbox.postings(limit=1000))), exact=True)).to_be_visible()
    number = page.get_by_role("table").get_by_role("link").first.inner_text()

    page.get_by_role("link", name=number, exact=True).click()
    section = details(page, lang, number)
    expect(page).to_have_url(re.compile(rf"postingDetails={re.escape(number)}"))
    for hidden in (page.get_by_role("tablist"), page.get_by_role("searchbox"),
                   page.get_by_role("button", name=text(lang, "pager.next"), exact=True),
                   page.get_by_role("link", name=number, exact=True)):
        expect(hidden).to_be_hidden()  # the whole list gives way to the section
    expect(page.get_by_role("dialog")).to_have_count(0)

    section.get_by_role("link", name=text(lang, "details.back"), exact=True).click()
    expect(page.get_by_role("link", name=number, exact=True)).to_be_visible()
    expect(page.get_by_role("tablist")).to_be_visible()
    expect(section).to_be_hidden()
    expect(page).not_to_have_url(re.compile("postingDetails"))
    page.go_back()  # history: the details again, then the list
    details(page, lang, number)
    page.go_back()
    expect(page.get_by_role("tablist")).to_be_visible()


@RUSSIAN
@in_browser
def test_bad_number_should_show_the_error_under_the_input_and_save_nothing(person: Page, sandbox: Oracle,
                                                                          lang: str) -> None:
    page = person
    posting = editable_posting(sandbox)
    number = posting["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    section = details(page, lang, number)
    section.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True).click()
    box = section.get_by_role("textbox")
    box.fill("AB 12#")
    section.get_by_role("button", name=text(lang, "dialog.save"), exact=True).click()

    error = section.get_by_text(text(lang, "error.illegal_chars"), exact=True)
    expect(error).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(error).not_to_have_attribute("role", re.compile(".*"))
    error_box, input_box = error.bounding_box(), box.bounding_box()
    assert error_box and input_box and error_box["y"] >= input_box["y"] + input_box["height"]
    expect(box).to_have_value("AB 12#")  # still in edit mode
    expect(section.get_by_role("button", name=text(lang, "dialog.save"), exact=True)).to_be_enabled()
    truth = sandbox.posting(number)
    assert (truth["save_count"], truth["tracking_number"]) == (0, posting["tracking_number"])


@RUSSIAN
@in_browser
def test_discard_and_escape_should_leave_the_number_unchanged(person: Page, sandbox: Oracle, lang: str) -> None:
    page = person
    posting = editable_posting(sandbox)
    number, old = posting["posting_number"], posting["tracking_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    section = details(page, lang, number)
    edit = section.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True)

    edit.click()
    section.get_by_role("textbox").fill("RR000000000RU")
    section.get_by_role("button", name=text(lang, "dialog.cancel"), exact=True).click()
    expect(section.get_by_role("textbox")).to_have_count(0)
    expect(value_under(section, text(lang, "field.tracking_number"))).to_contain_text(old)
    expect(edit).to_be_focused()

    edit.click()
    section.get_by_role("textbox").fill("RR000000000RU")
    page.keyboard.press("Escape")
    expect(section.get_by_role("textbox")).to_have_count(0)
    expect(value_under(section, text(lang, "field.tracking_number"))).to_contain_text(old)
    expect(section).to_be_visible()  # Escape leaves the edit, not the posting
    truth = sandbox.posting(number)
    assert (truth["save_requests"], truth["tracking_number"]) == (0, old)


@pytest.mark.parametrize(("lang", "scheme", "reason_key"),
                         [("ru", "ozon", "reason.ozon_assigns"), ("zh", "aggregator", "reason.carrier_assigns")],
                         ids=["russian-ozon-delivery", "chinese-integrated-carrier"])
@in_browser
def test_non_editable_posting_should_show_its_reason_in_the_row_and_no_edit_button(
    person: Page, sandbox: Oracle, lang: str, scheme: str, reason_key: str
) -> None:
    page = person
    posting = sandbox.postings(editable=False, tpl=scheme, chat=False, limit=1)[0]
    number = posting["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    section = details(page, lang, number)

    reason = tracking_row(section, lang).get_by_text(text(lang, reason_key), exact=True)
    expect(reason).to_be_visible()
    expect(reason).not_to_have_attribute("role", re.compile(".*"))
    expect(section.get_by_role("button", name=text(lang, "drawer.edit_tracking"))).to_have_count(0)
    expect(section.get_by_role("button", name=text(lang, "drawer.chat_buyer"), exact=True)).to_be_disabled()


@RUSSIAN
@in_browser
def test_chat_button_should_open_the_messenger(person: Page, sandbox: Oracle, lang: str) -> None:
    page = person
    number = sandbox.postings(chat=True, limit=1)[0]["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    details(page, lang, number).get_by_role("button", name=text(lang, "drawer.chat_buyer"), exact=True).click()

    expect(page).to_have_url(re.compile(rf"/app/messenger/\?posting={re.escape(number)}"))
    expect(page.get_by_text(text(lang, "chat.posting", number=number), exact=False)).to_be_visible()
    expect(page.get_by_role("button", name=text(lang, "chat.send"), exact=True)).to_be_enabled()


@RUSSIAN
@in_browser
def test_details_should_show_the_loader_then_the_posting_or_not_found(person: Page, sandbox: Oracle,
                                                                       lang: str) -> None:
    page = person
    number = sandbox.postings(limit=1)[0]["posting_number"]
    sandbox.configure(latency_ms=1500)
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    section = details(page, lang, number)
    expect(section.get_by_text(text(lang, "common.loading"), exact=True)).to_be_visible()
    expect(value_under(section, text(lang, "field.posting_number"))).to_have_text(number)
    expect(section.get_by_text(text(lang, "common.loading"), exact=True)).to_have_count(0)

    sandbox.configure(latency_ms=0)
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails=00000000-0000-9")
    expect(details(page, lang, "00000000-0000-9").get_by_text(text(lang, "drawer.not_found"), exact=True)
           ).to_be_visible()


@RUSSIAN
@in_browser
def test_inline_dom_should_offer_only_what_a_person_sees(person: Page, sandbox: Oracle, lang: str) -> None:
    page = person
    posting = editable_posting(sandbox)
    number = posting["posting_number"]
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    section = details(page, lang, number)
    section.get_by_role("button", name=text(lang, "drawer.edit_tracking"), exact=True).click()
    section.get_by_role("button", name=text(lang, "carrier." + posting["carrier"]), exact=True).click()
    expect(page.get_by_role("option")).to_have_count(11)

    assert page.evaluate(HOOKS_IN_DOM) == []
    expect(page.locator("dialog, [role=dialog], [aria-modal], section [role=alert]")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)  # (the list's own error box waits hidden, with the list)
    expect(page.get_by_label(text(lang, "field.tracking_number"))).to_have_count(0)  # the label is not tied
    expect(page.get_by_placeholder(text(lang, "field.tracking_number"))).to_have_count(0)
    expect(page.locator("section[id], section [id]")).to_have_count(0)


# -- the double-submit knob, on every front end ---------------------------------------------------------------
def _edit_and_save(page: Page, front_end: str, number: str, new: str) -> None:
    """Open the posting's editor as a person would on ``front_end``, type ``new`` and click Save once."""
    t = BASE_TABLES["ru"] if front_end != "inline" else Labels().table("ru", "inline")
    title, edit, save = t["drawer.title"].format(number=number), t["drawer.edit_tracking"], t["dialog.save"]
    if front_end == "classic":
        page.get_by_role("dialog", name=title).get_by_role("button", name=edit).click()
        dialog = page.get_by_role("dialog", name=t["dialog.title"])
        dialog.get_by_label(t["dialog.tracking"], exact=True).fill(new)
    elif front_end == "modern":
        dialog_titled(page, title).get_by_role("button", name=edit, exact=True).click()
        dialog = dialog_titled(page, t["dialog.title"])
        dialog.get_by_role("textbox").fill(new)
    else:
        dialog = page.locator("section").filter(has=page.get_by_role("heading", name=title))
        dialog.get_by_role("button", name=edit, exact=True).click()
        dialog.get_by_role("textbox").fill(new)
    dialog.get_by_role("button", name=save, exact=True).click()
    expect(page.get_by_role("status").filter(has_text=t["toast.saved"])).to_have_count(1)


@pytest.mark.e2e
@pytest.mark.skins(*SKINS)
def test_double_submit_should_store_one_click_twice(person: Page, sandbox: Oracle, skin: str) -> None:
    page = person
    posting = editable_posting(sandbox)
    number, new = posting["posting_number"], f"DBL-{skin.upper()}-1"
    sandbox.configure(double_submit=True)
    sent: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.url.endswith(f"/api/postings/{number}/tracking"):
            sent.append(request.post_data or "")

    page.on("request", on_request)
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")
    _edit_and_save(page, skin, number, new)

    truth = sandbox.posting(number)
    assert (truth["save_count"], truth["save_requests"], truth["tracking_number"]) == (2, 2, new)
    assert len(sent) == 2 and len(set(sent)) == 1  # one click, the same body twice
    assert [h["new"] for h in truth["tracking_history"]][-2:] == [new, new]


# -- the shared save URL knob, on every front end -------------------------------------------------------------
def test_a_save_at_the_shared_url_should_store_the_posting_its_body_names(seller: Seller, oracle: httpx.Client) -> None:
    number = one_posting(oracle, editable=True)["posting_number"]
    assert oracle.get("/_sandbox/config").json()["save_url"] == "per_posting"
    assert oracle.post("/_sandbox/config", json={"save_url": "somewhere"}).status_code == 422

    saved = seller.client.post("/api/postings/tracking", headers={"X-CSRF-Token": seller.csrf},
                               json={"posting_number": number, "tracking_number": "RR473124829GB",
                                     "carrier": "china_post"})

    assert saved.status_code == 200 and saved.json()["posting"]["tracking_number"] == "RR473124829GB"
    assert oracle.get(f"/_sandbox/postings/{number}").json()["save_count"] == 1
    nobody = seller.client.post("/api/postings/tracking", headers={"X-CSRF-Token": seller.csrf},
                                json={"tracking_number": "RR473124829GB", "carrier": "china_post"})
    assert nobody.status_code == 404


@pytest.mark.e2e
@pytest.mark.skins(*SKINS)
def test_shared_save_url_should_send_every_posting_s_save_to_one_url(person: Page, sandbox: Oracle, skin: str) -> None:
    page = person
    number, new = editable_posting(sandbox)["posting_number"], f"SHR-{skin.upper()}-1"
    assert sandbox.configure(save_url="shared")["save_url"] == "shared"
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.url, r.post_data or "")) if r.method == "POST" else None)
    page.goto(f"{sandbox.url}{LIST_PATH}?postingDetails={number}")

    _edit_and_save(page, skin, number, new)

    assert [url for url, _body in sent] == [f"{sandbox.url}/api/postings/tracking"]
    assert f'"posting_number":"{number}"' in sent[0][1].replace(" ", "")
    truth = sandbox.posting(number)
    assert (truth["save_count"], truth["tracking_number"]) == (1, new)
