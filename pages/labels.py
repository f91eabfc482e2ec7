"""What the page objects look for: the fields of a label table (its values, per language: ``pages/label_tables.py``).

When the live portal changes a wording, one line there is the fix. The exact labels of the portal's
tracking-number edit control are not public: those entries are our best guess (see
``docs/sandbox-contract.md``) and should be corrected from a live look (``ozon-rpa doctor --live`` names the
label it could not find).

The names the portal shows for codes (statuses, carriers, delivery schemes) are in ``pages/portal_names.py``; the
labels in effect (these tables under the user's portal profile) come from ``pages/labels_in_use.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

LANGS = ("ru", "en", "zh")


@dataclass(frozen=True)
class Labels:
    """The labels of one portal language."""

    # login (Ozon ID)
    login_phone: str
    login_use_email: str
    login_email: str
    login_get_code: str
    login_code_heading: str
    login_code: str
    login_submit: str
    login_wrong_code: str
    login_new_code: str
    # company choice (accounts with several companies, after the code)
    company_heading: str
    company_next: str
    # orders list
    search_box: str
    search_button: str
    postings_table: str
    col_posting_number: str
    col_order_date: str
    col_status: str
    col_buyer: str
    col_carrier: str
    col_tracking_number: str
    loading: str
    nothing_found: str
    next_page: str
    tab_all: str
    tab_awaiting_packaging: str
    tab_awaiting_deliver: str
    tab_delivering: str
    tab_delivered: str
    tab_cancelled: str
    # posting drawer: its accessible name is ``drawer_name.format(number)``
    drawer_name: str
    drawer_not_found: str
    field_posting_number: str
    field_status: str
    field_status_since: str
    field_scheme: str
    field_carrier: str
    field_tracking_number: str
    field_ship_by: str
    field_buyer: str
    field_phone: str
    field_address: str
    items_table: str
    items_sku: str
    items_quantity: str
    tracking_not_set: str
    edit_tracking: str
    chat_buyer: str
    close: str
    # why the portal refuses an edit (``reason_status`` holds the status name at ``{}``)
    reason_ozon_assigns: str
    reason_carrier_assigns: str
    reason_status: str
    # tracking dialog
    tracking_dialog: str
    tracking_input: str
    carrier_select: str
    save: str
    cancel: str
    saved_toast: str
    # buyer chat
    chat_log: str
    chat_message: str
    chat_send: str
    chat_sent_toast: str
    chat_empty: str
    chat_author_seller: str
    chat_author_buyer: str
    chat_no_subscription: str
    chat_window_closed: str
    chat_cancelled: str
    # anti-bot challenge (we detect it; we never click it)
    antibot_heading: str
    antibot_text: str


def label_names() -> list[str]:
    """Names of every label, for drift reports and the label-table test."""
    return [f.name for f in fields(Labels)]
