"""Tell the buyer about the new tracking number (or the delay) through the portal chat.

A notice never fails a change: when the chat is closed (no subscription, outside its window) or sending
fails, the notice is kept in the journal as undelivered, with its text, so it can go another way.
"""

from __future__ import annotations

from loguru import logger

from agent.core.errors import AbortRun, AgentError
from agent.core.i18n import _
from agent.core.journal.store import Journal
from agent.core.settings import Settings
from agent.rules.notices import NoticeKind, buyer_notice
from pages.chat_page import ChatPage
from scenarios.portal import Portal


def notify_buyer(portal: Portal, journal: Journal, run_id: str, *, posting_number: str, kind: NoticeKind,
                 tracking_number: str = "", carrier: str | None = None, chat_available: bool | None = None,
                 unavailable_reason: str = "", lang: str | None = None) -> str:
    """Send the notice; returns ``"sent"`` or ``"undelivered: <why>"``. Both are written to the journal.

    Args:
        chat_available: what the posting's drawer said, when already read; ``None`` to let the chat page tell.
        lang: the notice's language (default: the buyer's, ``OZON_RPA_NOTICE_LANG``: Russian, whatever the
            portal's or the operator's language).
    """
    settings: Settings = portal.settings
    text = buyer_notice(settings, kind, posting_number=posting_number, tracking_number=tracking_number,
                        carrier=carrier, lang=lang)
    why = unavailable_reason if chat_available is False else ""
    if chat_available is not False:
        try:
            portal.open(ChatPage.url(settings.base_url, posting_number))
            chat = ChatPage(portal.page, portal.lang)
            chat.wait_loaded()
            why = chat.unavailable_reason()
            if not why:
                chat.send(text)
        except AbortRun:
            raise
        except AgentError as err:
            why = _("sending failed: {why}", why=err)
    delivered = not why
    journal.add_notice(run_id, posting_number, kind, text, delivered, why or "")
    if delivered:
        logger.info(_("buyer notified through the portal chat"))
        return "sent"
    logger.warning(_("notice kept as undelivered ({why}); send it another way: ozon-rpa notify {posting}", why=why,
                     posting=posting_number))
    return "undelivered: " + (why or _("chat unavailable"))  # "undelivered: " is a code (vocabulary.notice_label)
