"""The modern front end (``skin=modern``): same back end and texts, but no hooks a machine could lean on.

What the server sends is checked here (pages, scripts, the class map); the DOM the scripts build is checked in
the browser by ``tests/e2e/test_person_flow_modern.py``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import httpx
import pytest

from fixtures.sandbox import skin
from tests.sandbox.conftest import LIST_PATH, SELLER_PHONE, Seller, one_posting

SCRIPTS = ["kit.js", "list.js", "drawer.js", "chat.js"]
#: A CSS-module class: a readable name, then a 5-character build hash.
HASHED_CLASS = re.compile(r"^[A-Za-z]+(-module)?_[A-Za-z]+_[0-9A-Za-z]{5}$")
#: The only ids a modern page writes: the app root, its state script, generated input ids.
ALLOWED_ID = re.compile(r"^(app|__SELLER_UI_STATE__|baseInput_[0-9A-Za-z]{4})$")
#: Hooks the modern skin must not offer, in HTML and in the scripts that build the DOM.
FORBIDDEN_IN_SCRIPTS = re.compile(
    r"""data-|dataset|aria-label|aria-busy|el\("(dl|dt|dd|label|select)"|"group"|"note"|htmlFor""")


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags_of(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def hooks_in(html: str) -> list[str]:
    """Every machine hook of a page: data-* attributes, aria naming, tied labels, dl fields, native selects."""
    found = []
    for tag, attrs in tags_of(html):
        if tag in ("label", "dl", "dt", "dd", "select", "fieldset"):
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("data-") or name in ("aria-label", "aria-labelledby", "aria-describedby", "aria-busy",
                                                    "for", "title"):
                found.append(f"<{tag} {name}>")
            if name == "role" and value in ("group", "note", "log", "navigation", "search"):
                found.append(f"<{tag} role={value}>")
            if name == "class" and not all(HASHED_CLASS.match(c) for c in value.split()):
                found.append(f"<{tag} class={value}>")
            if name == "id" and not ALLOWED_ID.match(value):
                found.append(f"<{tag} id={value}>")
    return found


@pytest.fixture
def modern(oracle: httpx.Client) -> httpx.Client:
    """The sandbox switched to the modern skin at run time (the oracle's reset restores classic)."""
    oracle.post("/_sandbox/config", json={"skin": "modern"}).raise_for_status()
    return oracle


def state_of(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="__SELLER_UI_STATE__">(.*?)</script>', html, re.S)
    assert match, html[:500]
    data: dict[str, object] = json.loads(match.group(1))
    return data


def test_modern_pages_should_carry_no_test_ids_data_attributes_aria_names_or_tied_labels(
    seller: Seller, modern: httpx.Client, anon: httpx.Client
) -> None:
    number = one_posting(modern, chat="true")["posting_number"]
    pages = {
        "list": seller.client.get(LIST_PATH).text,
        "list with drawer": seller.client.get(f"{LIST_PATH}?postingDetails={number}").text,
        "messenger": seller.client.get(f"/app/messenger/?posting={number}").text,
    }
    with httpx.Client(base_url=str(anon.base_url)) as stranger:
        pages["sign-in, phone"] = stranger.get("/signin").text
        pages["sign-in, e-mail"] = stranger.get("/signin?mode=email").text
        pages["unknown account"] = stranger.post("/signin", data={"phone": "+7 000"}).text
        stranger.post("/signin", data={"phone": SELLER_PHONE})
        pages["code"] = stranger.get("/signin/code").text
        pages["wrong code"] = stranger.post("/signin/code", data={"code": "000000"}).text
        modern.post("/_sandbox/config", json={"antibot_rate": 1}).raise_for_status()
        pages["anti-bot"] = stranger.get(LIST_PATH).text

    assert {name: hooks_in(html) for name, html in pages.items()} == {name: [] for name in pages}
    assert "placeholder=" in pages["sign-in, phone"] and "placeholder=" not in pages["code"]  # on some inputs only
    assert "<title>Доступ ограничен</title>" in pages["anti-bot"]


def test_modern_scripts_should_build_no_hooks(anon: httpx.Client) -> None:
    for name in SCRIPTS:
        response = anon.get(f"/static/modern/{name}")
        assert response.status_code == 200, name
        code = "\n".join(line.split("//", 1)[0] for line in response.text.splitlines())  # comments may name them
        assert [m.group(0) for m in FORBIDDEN_IN_SCRIPTS.finditer(code)] == [], name


def test_modern_class_names_should_carry_a_build_hash(seller: Seller, modern: httpx.Client,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    page = seller.client.get(LIST_PATH).text
    classes = state_of(page)["cx"]

    assert isinstance(classes, dict) and len(classes) > 50
    assert all(HASHED_CLASS.match(hashed) and hashed.startswith(name + "_") for name, hashed in classes.items())
    assert len(set(classes.values())) == len(classes)
    assert f'class="{classes["index_header"]}"' in page and "." + classes["button-module_button"] + " {" in page
    monkeypatch.setattr(skin, "BUILD", "seller-ui-next")
    assert skin.css_class("button-module_button") != classes["button-module_button"]  # a new build, new names


def test_modern_skin_should_be_chosen_at_run_time_and_reset_to_the_start_skin(seller: Seller,
                                                                               oracle: httpx.Client) -> None:
    assert 'data-testid="posting-drawer"' in seller.client.get(LIST_PATH).text
    assert oracle.post("/_sandbox/config", json={"skin": "modern"}).json()["skin"] == "modern"
    modern_page = seller.client.get(LIST_PATH).text
    assert "__SELLER_UI_STATE__" in modern_page and "data-testid" not in modern_page

    assert oracle.post("/_sandbox/config", json={"skin": "retro"}).status_code == 422
    oracle.post("/_sandbox/reset").raise_for_status()
    assert oracle.get("/_sandbox/config").json()["skin"] == "classic"
    assert 'data-testid="posting-drawer"' in seller.client.get(LIST_PATH).text


@pytest.mark.parametrize(("cookie", "heading"), [("ru", "Заказы"), ("zh-Hans", "订单")], ids=["russian", "chinese"])
def test_modern_page_should_carry_the_same_texts_and_the_label_overrides(
    seller: Seller, modern: httpx.Client, cookie: str, heading: str
) -> None:
    seller.client.cookies.set("lang", cookie)
    labels = state_of(seller.client.get(LIST_PATH).text)["labels"]
    assert modern.get("/_sandbox/labels", params={"lang": cookie}).json() == labels
    assert isinstance(labels, dict) and labels["list.heading"] == heading

    modern.post("/_sandbox/labels", json={"lang": cookie, "key": "list.heading", "text": "Drifted"}).raise_for_status()
    modern.post("/_sandbox/labels", json={"lang": cookie, "key": "signin.heading", "text": "Drifted in"})
    drifted = state_of(seller.client.get(LIST_PATH).text)["labels"]
    assert isinstance(drifted, dict) and drifted["list.heading"] == "Drifted"
    with httpx.Client(base_url=str(seller.client.base_url), cookies={"lang": cookie}) as stranger:
        assert ">Drifted in</h1>" in stranger.get("/signin").text


def test_modern_sign_in_should_post_the_same_forms(anon: httpx.Client, modern: httpx.Client) -> None:
    page = anon.get("/signin").text
    assert 'action="/signin"' in page and 'name="phone"' in page
    started = anon.post("/signin", data={"phone": SELLER_PHONE})
    assert started.status_code == 303
    code = modern.get("/_sandbox/outbox").json()["messages"][-1]["code"]
    assert 'name="code"' in anon.get("/signin/code").text
    assert anon.post("/signin/code", data={"code": code}).status_code == 303
    assert anon.get("/api/postings").status_code == 200


@pytest.mark.parametrize("entry", ["ozon-rpa sandbox", "python -m fixtures.sandbox"])
def test_skin_should_be_chosen_on_the_command_line(entry: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import fixtures.sandbox.__main__ as module_main
    import fixtures.sandbox.server as server_module
    from agent.cli.app import app

    served: list[str] = []
    # Stand in for the blocking serve() only: this checks the options' wiring, not the server.
    monkeypatch.setattr(server_module, "serve", lambda config, host, port: served.append(config.skin))
    monkeypatch.setattr(module_main, "serve", lambda config, host, port: served.append(config.skin))
    if entry == "ozon-rpa sandbox":
        assert CliRunner().invoke(app, ["sandbox", "--skin", "modern"]).exit_code == 0
        assert CliRunner().invoke(app, ["sandbox"]).exit_code == 0
        assert CliRunner().invoke(app, ["sandbox", "--skin", "retro"]).exit_code == 2
    else:
        module_main.main(["--skin", "modern"])
        module_main.main([])
        with pytest.raises(SystemExit):
            module_main.main(["--skin", "retro"])
    assert served == ["modern", "classic"]
