"""The page objects' label table (``pages/labels.py``) agrees with the sandbox's (``fixtures/sandbox/i18n.py``).

The two tables are separate on purpose: the sandbox stands for a remote system, and the page objects must
work on the live portal without it. This test keeps them from drifting apart unnoticed.
"""

from __future__ import annotations

import pytest

from fixtures.sandbox.i18n import BASE_TABLES
from pages.label_tables import LABELS
from pages.labels import LANGS, label_names
from pages.portal_names import CARRIER_NAMES, NO_CARRIER, SCHEME_NAMES, STATUS_NAMES

#: Our language key -> the sandbox's.
SANDBOX_LANG = {"ru": "ru", "en": "en", "zh": "zh-Hans"}

#: Every field of ``pages.labels.Labels`` -> the sandbox's i18n key showing that text.
SANDBOX_KEY = {
    "login_phone": "signin.phone",
    "login_use_email": "signin.use_email",
    "login_email": "signin.email",
    "login_get_code": "signin.get_code",
    "login_code_heading": "signin.code_heading",
    "login_code": "signin.code",
    "login_submit": "signin.submit",
    "login_wrong_code": "signin.wrong_code",
    "login_new_code": "signin.new_code",
    "company_heading": "company.heading",
    "company_next": "company.next",
    "search_box": "search.label",
    "search_button": "search.button",
    "postings_table": "list.table",
    "col_posting_number": "col.posting_number",
    "col_order_date": "col.order_date",
    "col_status": "col.status",
    "col_buyer": "col.buyer",
    "col_carrier": "col.carrier",
    "col_tracking_number": "col.tracking_number",
    "loading": "common.loading",
    "nothing_found": "list.empty",
    "next_page": "pager.next",
    "tab_all": "tab.all",
    "tab_awaiting_packaging": "tab.awaiting_packaging",
    "tab_awaiting_deliver": "tab.awaiting_deliver",
    "tab_delivering": "tab.delivering",
    "tab_delivered": "tab.delivered",
    "tab_cancelled": "tab.cancelled",
    "drawer_name": "drawer.title",
    "drawer_not_found": "drawer.not_found",
    "field_posting_number": "field.posting_number",
    "field_status": "field.status",
    "field_status_since": "field.status_since",
    "field_scheme": "field.scheme",
    "field_carrier": "field.carrier",
    "field_tracking_number": "field.tracking_number",
    "field_ship_by": "field.ship_by",
    "field_buyer": "field.buyer",
    "field_phone": "field.phone",
    "field_address": "field.address",
    "items_table": "items.table",
    "items_sku": "items.sku",
    "items_quantity": "items.quantity",
    "tracking_not_set": "tracking.not_set",
    "edit_tracking": "drawer.edit_tracking",
    "chat_buyer": "drawer.chat_buyer",
    "close": "drawer.close",
    "reason_ozon_assigns": "reason.ozon_assigns",
    "reason_carrier_assigns": "reason.carrier_assigns",
    "reason_status": "reason.status",
    "tracking_dialog": "dialog.title",
    "tracking_input": "dialog.tracking",
    "carrier_select": "dialog.carrier",
    "save": "dialog.save",
    "cancel": "dialog.cancel",
    "saved_toast": "toast.saved",
    "chat_log": "chat.log",
    "chat_message": "chat.message",
    "chat_send": "chat.send",
    "chat_sent_toast": "chat.sent",
    "chat_empty": "chat.empty",
    "chat_author_seller": "chat.author.seller",
    "chat_author_buyer": "chat.author.buyer",
    "chat_no_subscription": "chat.no_subscription",
    "chat_window_closed": "chat.window_closed",
    "chat_cancelled": "chat.cancelled",
    "antibot_heading": "antibot.heading",
    "antibot_text": "antibot.text",
}
#: Labels that are format strings: the page objects use ``{}``, the sandbox names its placeholder.
PLACEHOLDER = {"drawer_name": "number", "reason_status": "status"}
SAMPLE = "12345678-0001-1"


def test_every_label_of_the_page_objects_should_be_mapped_to_a_sandbox_key() -> None:
    assert sorted(SANDBOX_KEY) == sorted(label_names())
    assert set(LABELS) == set(LANGS) == set(SANDBOX_LANG)


@pytest.mark.parametrize("field", label_names())
@pytest.mark.parametrize("lang", LANGS)
def test_page_object_label_should_match_the_sandbox_text(lang: str, field: str) -> None:
    table = BASE_TABLES[SANDBOX_LANG[lang]]
    key = SANDBOX_KEY[field]
    assert key in table, f"the sandbox has no {key!r} in {SANDBOX_LANG[lang]}"
    ours = getattr(LABELS[lang], field)
    theirs = table[key]
    if field in PLACEHOLDER:
        ours, theirs = ours.format(SAMPLE), theirs.format(**{PLACEHOLDER[field]: SAMPLE})
    assert ours == theirs


@pytest.mark.parametrize(("names", "prefix"), [(STATUS_NAMES, "status."), (CARRIER_NAMES, "carrier."),
                                               (SCHEME_NAMES, "scheme.")], ids=["statuses", "carriers", "schemes"])
@pytest.mark.parametrize("lang", LANGS)
def test_status_carrier_and_scheme_names_should_match_the_sandbox_texts(
    lang: str, names: dict[str, dict[str, str]], prefix: str
) -> None:
    table = BASE_TABLES[SANDBOX_LANG[lang]]
    theirs = {key[len(prefix):]: text for key, text in table.items()
              if key.startswith(prefix) and key != "carrier.none"}
    assert names[lang] == theirs
    assert table.get("carrier.none", NO_CARRIER) == NO_CARRIER
