"""The labels in effect: the tables of ``pages/label_tables.py`` as shipped, under the user's portal profile.

A portal profile (``pages/profile.py``) may give other words for some labels of a language; it is installed once
at start (:func:`use_overrides`); page objects ask this module for the labels of the portal's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace

from pages.label_tables import LABELS
from pages.labels import Labels

#: What the portal says in ``<html lang>`` / its language header, mapped to our table's key.
HTML_LANG = {"ru": "ru", "en": "en", "zh-hans": "zh", "zh": "zh", "zh-cn": "zh"}


#: A portal profile's labels (``[labels.ru]`` ...): language -> label name -> text; set once at start.
_OVERRIDES: dict[str, dict[str, str]] = {}


def use_overrides(overrides: Mapping[str, Mapping[str, str]]) -> None:
    """Put a portal profile's labels over the tables (an empty mapping restores the tables as shipped)."""
    global _OVERRIDES
    _OVERRIDES = {lang: dict(table) for lang, table in overrides.items() if table}


def label_table(lang: str) -> Labels:
    """The labels of one language, with the portal profile's overrides."""
    extra = _OVERRIDES.get(lang)
    return replace(LABELS[lang], **extra) if extra else LABELS[lang]


def label_field(lang: str, text: str) -> str:
    """The name of the label (``edit_tracking``) whose text in ``lang`` is ``text`` ("" when none is)."""
    table = label_table(lang)
    return next((f.name for f in fields(Labels) if getattr(table, f.name) == text), "")


def labels_for(html_lang: str | None, default: str = "ru") -> tuple[str, Labels]:
    """The label table for what the portal declares as its language (``<html lang>``)."""
    key = HTML_LANG.get((html_lang or "").strip().lower(), default)
    return key, label_table(key)
