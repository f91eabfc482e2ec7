"""``capture``: a read-only record of the portal for a bug report, with every secret and buyer detail redacted.

It walks what the agent relies on (the list, a posting's drawer, the tracking dialog opened and cancelled, never
saved) and keeps ARIA snapshots of each (what a screen reader, and our page objects, see); with a HAR, the
whole session's traffic. Before anything is written, the values that must not leave the machine are learnt
(cookies, auth and CSRF headers, tokens, one-time codes, the buyer's name, phone and address from the portal's
own JSON and from the drawer) and replaced wherever they occur.
"""

from __future__ import annotations

import base64
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from playwright.sync_api import Response

from agent.core.secure_files import write_private
from pages.posting_details import PostingDetails
from pages.postings_list import PostingsListPage
from pages.tracking_editor import TrackingEditor
from scenarios.portal import Portal

REDACTED = "[redacted]"
#: Headers whose values are credentials (request and response).
SECRET_HEADERS = re.compile(r"^(cookie|set-cookie|authorization|proxy-authorization|x-csrf-token|x-xsrf-token|"
                            r".*token.*|.*secret.*|.*session.*)$", re.I)
#: Form fields, query parameters and JSON keys whose values are secrets.
SECRET_NAMES = re.compile(r"(code|otp|password|passwd|token|csrf|xsrf|secret|session|sid|auth)", re.I)
#: JSON keys whose values are secrets (exact names: "author" or "code_type" are not).
JSON_SECRETS = re.compile(r"(otp|code|password|.*token|csrf|xsrf|secret|session(_id)?|sid)", re.I)
#: JSON keys whose values are the buyer's personal data.
BUYER_KEYS = re.compile(r"(buyer|customer|recipient|phone|address|email|fio|first_?name|last_?name)", re.I)
_CSRF_META = re.compile(r"""<meta[^>]+name=["'](?:csrf|xsrf)[-_]token["'][^>]+content=["']([^"']+)""", re.I)
_TEXT_TYPES = re.compile(r"^(text/|application/(json|javascript|xml|x-www-form-urlencoded)|.*\+json)", re.I)
#: Values this short are not worth replacing everywhere (they would mangle unrelated text).
MIN_SECRET = 4
#: How many rows of a tab are tried when looking for an editable posting (as the flow suite does).
ROWS_TRIED = 10
EDITABLE_TABS = ("awaiting_deliver", "delivering")


@dataclass
class Redactor:
    """The values that must not leave the machine, and their replacement wherever they occur."""

    values: set[str] = field(default_factory=set)

    def add(self, *values: object) -> None:
        """Learn secret values (strings long enough to be told apart)."""
        for value in values:
            text = str(value or "").strip()
            if len(text) >= MIN_SECRET and text != REDACTED:
                self.values.add(text)

    def learn_json(self, data: Any, sensitive: bool = False) -> None:
        """Learn every string under a buyer or secret key of the portal's JSON."""
        if isinstance(data, dict):
            for key, value in data.items():
                hidden = sensitive or bool(BUYER_KEYS.search(str(key)) or JSON_SECRETS.fullmatch(str(key)))
                self.learn_json(value, hidden)
        elif isinstance(data, list):
            for value in data:
                self.learn_json(value, sensitive)
        elif sensitive and isinstance(data, str | int) and not isinstance(data, bool):
            self.add(data)

    def learn_text(self, text: str, mime: str) -> None:
        """Learn from a response body: the JSON's buyer data, the page's CSRF token."""
        self.add(*_CSRF_META.findall(text))
        if "json" in mime:
            try:
                self.learn_json(json.loads(text))
            except ValueError:
                pass

    def learn_response(self, response: Response) -> None:
        """Learn from a response as it arrives (a listener on the page's context)."""
        for name, value in response.all_headers().items():
            if SECRET_HEADERS.match(name):
                self.add(*_cookie_values(value) if "cookie" in name else (value,))
        mime = response.headers.get("content-type", "")
        if _TEXT_TYPES.match(mime):
            try:
                self.learn_text(response.text(), mime)
            except Exception:  # noqa: BLE001 - a body gone with its page: nothing to learn from it
                return

    def text(self, text: str) -> str:
        """``text`` with every known value replaced (longest first, so no part of one survives)."""
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return text


def _cookie_values(header: str) -> list[str]:
    """The values of a ``Cookie`` or ``Set-Cookie`` header (one or several, newline-separated)."""
    values = []
    for line in header.splitlines():
        for part in line.split(";"):
            name, _, value = part.strip().partition("=")
            if value and name.lower() not in _COOKIE_ATTRIBUTES:
                values.append(value)
    return values


_COOKIE_ATTRIBUTES = frozenset({"path", "expires", "max-age", "domain", "samesite", "priority"})


def _redact_query(url: str, redactor: Redactor) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return redactor.text(url)
    query = [(k, REDACTED if SECRET_NAMES.search(k) else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return redactor.text(urlunsplit(parts._replace(query=urlencode(query))))


def _redact_pairs(pairs: Iterable[dict[str, Any]], secret: re.Pattern[str],
                  redactor: Redactor) -> list[dict[str, Any]]:
    return [{**p, "value": REDACTED if secret.search(str(p.get("name", "")))
             else redactor.text(str(p.get("value", "")))} for p in pairs]


def _learn_har(har: dict[str, Any], redactor: Redactor) -> None:
    for entry in har["log"]["entries"]:
        for side in ("request", "response"):
            for header in entry[side].get("headers", []):
                if SECRET_HEADERS.match(header["name"]):
                    name = header["name"].lower()
                    redactor.add(*_cookie_values(header["value"]) if "cookie" in name else (header["value"],))
            redactor.add(*(c.get("value") for c in entry[side].get("cookies", [])))
        post = entry["request"].get("postData") or {}
        for name, value in parse_qsl(post.get("text", ""), keep_blank_values=True):
            if SECRET_NAMES.search(name):
                redactor.add(value)
        content = entry["response"].get("content") or {}
        text = _content_text(content)
        if text is not None:
            redactor.learn_text(text, str(content.get("mimeType", "")))


def _content_text(content: dict[str, Any]) -> str | None:
    if "text" not in content or not _TEXT_TYPES.match(str(content.get("mimeType", ""))):
        return None
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(content["text"]).decode("utf-8")
        except ValueError:
            return None
    return str(content["text"])


def redact_har(har: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """The HAR with credentials, codes and buyer data replaced; replayable (URLs and methods still match)."""
    _learn_har(har, redactor)
    for entry in har["log"]["entries"]:
        request, response = entry["request"], entry["response"]
        request["url"] = _redact_query(request["url"], redactor)
        request["queryString"] = _redact_pairs(request.get("queryString", []), SECRET_NAMES, redactor)
        for side in (request, response):
            side["headers"] = _redact_pairs(side.get("headers", []), SECRET_HEADERS, redactor)
            side["cookies"] = [{**c, "value": REDACTED} for c in side.get("cookies", [])]
        post = request.get("postData")
        if post:
            if "params" in post:
                post["params"] = _redact_pairs(post["params"], SECRET_NAMES, redactor)
            if "x-www-form-urlencoded" in str(post.get("mimeType", "")):
                pairs = parse_qsl(post.get("text", ""), keep_blank_values=True)
                post["text"] = urlencode([(k, REDACTED if SECRET_NAMES.search(k) else redactor.text(v))
                                          for k, v in pairs])
            else:
                post["text"] = redactor.text(str(post.get("text", "")))
        if "redirectURL" in response:
            response["redirectURL"] = _redact_query(str(response["redirectURL"]), redactor)
        content = response.get("content") or {}
        text = _content_text(content)
        if text is not None:
            text = redactor.text(text)
            content["text"] = (base64.b64encode(text.encode("utf-8")).decode("ascii")
                               if content.get("encoding") == "base64" else text)
            content["size"] = len(text.encode("utf-8"))
        elif "text" in content and not _TEXT_TYPES.match(str(content.get("mimeType", ""))):
            pass  # images, fonts: no text to hold a secret
    # Anything the structure above missed (a page title, a comment): one last pass over the whole text.
    return dict(json.loads(redactor.text(json.dumps(har, ensure_ascii=False))))


def find_editable(portal: Portal) -> str:
    """The first posting of the tabs where edits are allowed whose drawer offers the tracking-number edit."""
    settings = portal.settings
    for tab in EDITABLE_TABS:
        portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, tab=tab))
        listing = PostingsListPage(portal.page, portal.lang)
        listing.wait_loaded()
        for number in listing.posting_numbers()[:ROWS_TRIED]:
            drawer = _drawer_by_url(portal, number)
            if drawer.edit_button.count() > 0:
                return number
    raise LookupError(f"no editable posting in the first {ROWS_TRIED} rows of the tabs {', '.join(EDITABLE_TABS)}")


def _drawer_by_url(portal: Portal, number: str) -> PostingDetails:
    settings = portal.settings
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, postingDetails=number))
    drawer = PostingDetails(portal.page, number, portal.lang)
    drawer.wait_loaded()
    return drawer


def walk(portal: Portal, redactor: Redactor, posting: str | None = None) -> dict[str, str]:
    """Walk the list, a drawer and the tracking dialog (cancelled); their ARIA snapshots, redacted.

    Returns:
        ``{"list": ..., "drawer": ..., "dialog": ...}`` ARIA snapshots (YAML text), plus ``"posting"``.
    """
    settings = portal.settings
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path))
    listing = PostingsListPage(portal.page, portal.lang)
    listing.wait_loaded()
    raw = {"list": listing.table.aria_snapshot()}
    number = posting or find_editable(portal)
    portal.open(PostingsListPage.url(settings.base_url, settings.postings_path, search=number))
    listing = PostingsListPage(portal.page, portal.lang)
    listing.wait_loaded()
    listing.open_posting(number)
    drawer = PostingDetails(portal.page, number, portal.lang)
    drawer.wait_loaded()
    seen = drawer.read()
    redactor.add(seen.buyer, seen.address, *_phones(drawer))
    raw["drawer"] = drawer.root.aria_snapshot()
    drawer = _drawer_by_url(portal, number)
    drawer.open_edit()
    dialog = TrackingEditor(drawer)
    dialog.wait_open()
    raw["dialog"] = dialog.root.aria_snapshot()
    dialog.cancel()  # never saved
    snapshots = {name: redactor.text(text) for name, text in raw.items()}
    snapshots["posting"] = number
    return snapshots


def _phones(drawer: PostingDetails) -> list[str]:
    """The buyer's phone as the drawer shows it (read() does not keep it)."""
    facts = drawer.root.inner_text()
    # A leading "+" tells a phone from a posting number (digits and dashes too).
    return re.findall(r"\+\d[\d ()-]{8,}\d", facts) if drawer.labels.field_phone in facts else []


def write_bundle(path: Path, snapshots: dict[str, str], har_path: Path | None, redactor: Redactor,
                 meta: dict[str, Any]) -> Path:
    """One zip (mode 0600): ``aria/*.yml``, ``session.har`` (redacted) and ``capture.json``."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in snapshots.items():
            if name != "posting":
                bundle.writestr(f"aria/{name}.yml", text)
        if har_path is not None:
            har = redact_har(json.loads(har_path.read_text(encoding="utf-8")), redactor)
            bundle.writestr("session.har", json.dumps(har, ensure_ascii=False, indent=1))
        bundle.writestr("capture.json", redactor.text(json.dumps(meta, ensure_ascii=False, indent=2)))
    write_private(path, buffer.getvalue())
    return path
