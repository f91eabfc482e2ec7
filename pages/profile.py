"""The user's portal profile: their own labels and locators for the portal they see, without code.

A TOML file (``OZON_RPA_PORTAL_PROFILE`` or ``--profile``)::

    [labels.ru]
    edit_tracking = "Изменить трек-номер"      # any field name of pages/labels.py

    [locators.save]                            # a control text alone cannot find
    role = "button"
    name = "Готово"                            # or: text = "..."; or: css = "..." (only ever here)

    [shape]                                    # what calibrate saw (the agent finds both by what they are)
    details = "section"                        # drawer, modal, section (of the list's page) or page
    editor = "in_place"                        # dialog, in_place (inside the details) or page

Loaded with tomllib, checked with pydantic, and installed once at start (:func:`use_profile`): page objects
then read the profile's labels (``pages.labels.label_table``) and try its locators first (``pages.finders``).
A profile that cannot be used is a :class:`~agent.core.errors.ConfigError` naming the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

import tomlkit
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator as PwLocator
from pydantic import BaseModel, ConfigDict, ValidationError, create_model, model_validator

from agent.core.errors import ConfigError
from pages.finders import use_locators
from pages.labels import LANGS, label_names
from pages.labels_in_use import label_table, use_overrides

_STRICT = ConfigDict(extra="forbid", strict=True)
#: Labels holding a placeholder the agent fills in (the posting number, a status name).
_WITH_PLACEHOLDER = {"drawer_name", "reason_status"}


class Locator(BaseModel):
    """How to find one control: ``role`` (+ ``name``), or ``text``, or ``css``."""

    model_config = _STRICT
    role: str | None = None
    name: str | None = None
    text: str | None = None
    css: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Locator:
        ways = [w for w in ("role", "text", "css") if getattr(self, w)]
        if len(ways) != 1 or (self.name and not self.role):
            raise ValueError("give exactly one of: role (with name), text, css")
        return self

    def spec(self) -> dict[str, str]:
        """The locator as ``pages.finders.use_locators`` takes it."""
        return {k: v for k, v in self.model_dump().items() if v}


class Shape(BaseModel):
    """Where a posting's details and its tracking editor show on this portal, as calibrate saw them."""

    model_config = _STRICT
    details: Literal["drawer", "modal", "section", "page"] | None = None
    editor: Literal["dialog", "in_place", "page"] | None = None


_LangLabels: Any = create_model("LangLabels", __config__=_STRICT,
                                **{name: (str | None, None) for name in label_names()})  # type: ignore[call-overload]
_Labels: Any = create_model("Labels", __config__=_STRICT,
                            **{lang: (_LangLabels, None) for lang in LANGS})  # type: ignore[call-overload]
_Locators: Any = create_model("Locators", __config__=_STRICT,
                              **{name: (Locator | None, None) for name in label_names()})  # type: ignore[call-overload]


class PortalProfile(BaseModel):
    """A whole profile: ``labels`` by language and field name, ``locators`` by field name."""

    model_config = _STRICT
    labels: _Labels = None  # type: ignore[assignment]
    locators: _Locators = None  # type: ignore[assignment]
    shape: Shape | None = None

    def label_overrides(self) -> dict[str, dict[str, str]]:
        """Language -> field name -> text, only what the profile sets."""
        if self.labels is None:
            return {}
        return {lang: {k: v for k, v in table.model_dump().items() if v is not None}
                for lang, table in self.labels if table is not None}

    def locator_specs(self) -> dict[str, dict[str, str]]:
        """Field name -> locator spec, only what the profile sets."""
        if self.locators is None:
            return {}
        return {name: loc.spec() for name, loc in self.locators if loc is not None}


def _line_of(text: str, loc: tuple[str | int, ...]) -> int:
    """The line of a key: its table's header (``[labels.ru]``), then the key within it; else the first line."""
    lines = text.splitlines()
    parts = [str(p) for p in loc]
    for depth in range(len(parts), 0, -1):
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(re.escape(p) for p in parts[:depth]) + r"\s*\]")
        start = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if start is None:
            continue
        if depth == len(parts):
            return start + 1
        key = re.compile(r"^\s*[\"']?" + re.escape(parts[depth]) + r"[\"']?\s*=")
        for i in range(start + 1, len(lines)):
            if lines[i].lstrip().startswith("["):
                break
            if key.match(lines[i]):
                return i + 1
        return start + 1
    dotted = re.compile(r"^\s*" + r"\s*\.\s*".join(re.escape(p) for p in parts) + r"\s*=")
    return next((i + 1 for i, line in enumerate(lines) if dotted.match(line)), 1)


def load_profile(path: Path) -> PortalProfile:
    """Read and check a profile file.

    Raises:
        ConfigError: unreadable, not TOML, an unknown language, table or label name, a value of the wrong type,
            or a label that lost its ``{}`` placeholder; the message names the file, the line and the key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"portal profile {path}: cannot read it ({err})") from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        why = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(err))
        at = f"line {where[1]}, column {where[2]}: " if where else ""
        raise ConfigError(f"portal profile {path}: {at}not valid TOML: {why}") from err
    try:
        profile = PortalProfile.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            what = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
            problems.append(f"line {_line_of(text, loc)}: {'.'.join(map(str, loc))}: {what}")
        raise ConfigError(f"portal profile {path}: " + "; ".join(problems)) from None
    for lang, table in profile.label_overrides().items():
        for name, value in table.items():
            if not value.strip():
                raise ConfigError(f"portal profile {path}: line {_line_of(text, ('labels', lang, name))}: "
                                  f"labels.{lang}.{name}: empty")
            if name in _WITH_PLACEHOLDER and "{}" not in value:
                raise ConfigError(f"portal profile {path}: line {_line_of(text, ('labels', lang, name))}: "
                                  f"labels.{lang}.{name}: must keep {{}} where the portal shows the variable part")
    return profile


def install(profile: PortalProfile | None) -> None:
    """Make page objects use a profile (``None``: the label tables as shipped, no extra locators)."""
    use_overrides(profile.label_overrides() if profile else {})
    specs = profile.locator_specs() if profile else {}
    # A locator is keyed by its control's label text, in every language (a control has one text per language).
    use_locators({getattr(label_table(lang), name): spec for name, spec in specs.items() for lang in LANGS})


def use_profile(path: Path | None) -> PortalProfile | None:
    """Load, check and install the profile at ``path`` (or none). Raises ConfigError like :func:`load_profile`."""
    profile = load_profile(path) if path else None
    install(profile)
    return profile


def profile_line(lang: str, name: str, text: str) -> str:
    """The profile line that teaches the agent a label: ``[labels.ru] edit_tracking = "..."``."""
    return f"[labels.{lang}] {name} = {_quote(text)}"


def _quote(text: str) -> str:
    return tomlkit.string(text).as_string()


def update_profile(path: Path, labels: dict[str, dict[str, str]], locators: dict[str, dict[str, str]],
                   shape: dict[str, str] | None = None) -> None:
    """Write labels, locators and the shape into the profile at ``path`` (created if absent), keeping what else it
    holds: the person's own entries and comments."""
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    if shape:
        table = doc.setdefault("shape", tomlkit.table())
        for key, value in shape.items():
            table[key] = value
    for lang, entries in labels.items():
        if not entries:
            continue
        tables = doc.setdefault("labels", tomlkit.table(is_super_table=True))
        table = tables.setdefault(lang, tomlkit.table())
        for name, text in entries.items():
            table[name] = text
    for name, spec in locators.items():
        tables = doc.setdefault("locators", tomlkit.table(is_super_table=True))
        entry = tomlkit.table()
        for key, value in spec.items():
            entry[key] = value
        tables[name] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    load_profile(path)  # what we wrote must read back


#: Visible words of the controls, headers and labels in an element that no label of the table names.
_UNKNOWN_TEXTS = r"""(root, known) => {
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const seen = new Set(), out = [];
  const kinds = 'button, a, label, th, dt, [role=button], [role=tab], [role=columnheader], [role=link]';
  const add = text => {
    if (text && text.length <= 80 && !known.includes(text) && !seen.has(text)) { seen.add(text); out.push(text); }
  };
  // A field's label is the nearest words before it, where the portal does not tie a <label> to it.
  const before = el => {
    for (let node = el; node && node !== root; node = node.parentElement) {
      for (let prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        const text = norm(prev.innerText);
        if (text) return text;
      }
    }
    return '';
  };
  for (const el of root.querySelectorAll(kinds)) {
    if (el.getBoundingClientRect().width) add(norm(el.innerText || el.getAttribute('aria-label')));
  }
  for (const el of root.querySelectorAll('input, select, textarea, [role=textbox], [role=combobox]')) {
    if (el.getBoundingClientRect().width) add(before(el));
  }
  return out.slice(0, 8);
}"""


def unknown_texts(scope: PwLocator, lang: str) -> list[str]:
    """What ``scope`` shows on its controls that no label names: what a renamed label probably became."""
    table = label_table(lang)
    known = [str(getattr(table, name)) for name in label_names()]
    try:
        found: list[str] = scope.evaluate(_UNKNOWN_TEXTS, known, timeout=2_000)
    except PlaywrightError:
        return []
    return found


#: The label names each page object looks for, to tell apart labels of the same text («Трек-номер»).
OWNED = {"PostingsListPage": ("col_", "search_", "tab_", "next_page", "postings_table", "loading", "nothing_found"),
         "PostingDetails": ("field_", "drawer_", "edit_tracking", "chat_buyer", "close", "items_", "reason_",
                           "tracking_not_set"),
         "TrackingEditor": ("tracking_", "carrier_select", "save", "cancel", "saved_toast"),
         "ChatPage": ("chat_",), "LoginPage": ("login_",)}


def label_name_for(page_object: str, lang: str, text: str) -> str:
    """The label name (``edit_tracking``) a page object looked for by ``text`` ("" when none)."""
    table = label_table(lang)
    names = [name for name in label_names() if getattr(table, name) == text]
    owned = [name for name in names if name.startswith(OWNED.get(page_object, ()))]
    return (owned or names or [""])[0]
