"""Messages to buyers, from templates a seller can edit (``OZON_RPA_TEMPLATES_DIR``).

Templates are plain-text Jinja2 files named ``<kind>.<lang>.txt`` (``changed.ru.txt``, ``delayed.zh.txt``);
a file in the user's folder wins over the shipped one.

Notices follow the buyer's language, not the operator's (``--ui-lang``) nor the portal's (``OZON_RPA_LANG``):
the buyer reads Russian, so ``OZON_RPA_NOTICE_LANG`` is ``ru`` unless a seller sets it otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from agent.core.errors import ConfigError
from agent.core.i18n import _
from agent.core.settings import Settings
from agent.rules.carriers import carrier_name

SHIPPED = Path(__file__).parent.parent / "templates"
NoticeKind = Literal["changed", "delayed"]
MAX_CHAT_TEXT = 1000  # the portal chat accepts 1-1000 characters


def buyer_notice(settings: Settings, kind: NoticeKind, *, posting_number: str, tracking_number: str = "",
                 carrier: str | None = None, lang: str | None = None) -> str:
    """The notice a buyer is sent: in the buyer's language (``notice_lang``), from the seller's templates if any.

    Args:
        settings: ``notice_lang`` and ``templates_dir``.
        lang: another language for this one notice (default: ``settings.notice_lang``).

    Raises:
        ConfigError: no such template, or it renders empty or longer than the chat allows.
    """
    return render_notice(kind, lang or settings.notice_lang, posting_number=posting_number,
                         tracking_number=tracking_number, carrier=carrier, templates_dir=settings.templates_dir)


def render_notice(kind: NoticeKind, lang: str, *, posting_number: str, tracking_number: str = "",
                  carrier: str | None = None, templates_dir: Path | None = None) -> str:
    """The buyer notice for a posting, in ``lang`` (``ru``, ``en``, ``zh``).

    Raises:
        ConfigError: no such template, or it renders empty or longer than the chat allows.
    """
    loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
    env = Environment(loader=ChoiceLoader([*loaders, FileSystemLoader(str(SHIPPED))]),
                      undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    try:
        template = env.get_template(f"{kind}.{lang}.txt")
    except TemplateNotFound as err:
        raise ConfigError(_("no notice template {name}", name=f"{kind}.{lang}.txt")) from err
    text = template.render(posting_number=posting_number, tracking_number=tracking_number,
                           carrier=carrier_name(carrier, lang)).strip()
    if not text or len(text) > MAX_CHAT_TEXT:
        raise ConfigError(_("notice template {name} renders {n} characters (1-{most})", name=f"{kind}.{lang}.txt",
                             n=len(text), most=MAX_CHAT_TEXT))
    return text
