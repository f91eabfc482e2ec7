"""Finding a control the way a person does: by its role and visible name, its label, its placeholder, or the
text beside it, tried in that fixed order.

Every page object finds its controls through a :class:`Finder`. The first way that matches is remembered per
page object and control (later lookups go straight to it), and ``doctor`` reports how each control was found.
A user's portal profile puts its own ways first (:func:`use_locators`, built on :func:`add_way`'s order).
Nothing here uses test ids, ``data-*`` attributes, CSS classes or XPath: only what a person sees.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

from playwright.sync_api import Locator, Page

Scope = Union[Page, Locator]  # noqa: UP007 - a runtime alias: typing.Union works on every supported Python


@dataclass(frozen=True)
class Control:
    """A control as a person sees it: its visible text (name, label or placeholder) and its kind (ARIA roles).

    Attributes:
        text: the visible words that name it (the label table's entry).
        roles: the roles it may have, most likely first (``("combobox", "button")`` for a dropdown).
    """

    text: str
    roles: tuple[str, ...] = ("button",)

    @property
    def is_input(self) -> bool:
        """A control one types into or picks from (it has a label and may have a placeholder)."""
        return any(role in ("textbox", "searchbox", "combobox", "listbox", "spinbutton") for role in self.roles)


#: A way to find a control: (page, scope, control) -> a locator, or None when the way does not apply.
Way = Callable[[Page, Scope, Control], Union[Locator, None]]  # noqa: UP007


def _by_role(page: Page, scope: Scope, control: Control) -> Locator | None:
    found = scope.get_by_role(control.roles[0], name=control.text, exact=True)  # type: ignore[arg-type]
    for role in control.roles[1:]:
        found = found.or_(scope.get_by_role(role, name=control.text, exact=True))  # type: ignore[arg-type]
    return found


def _by_label(page: Page, scope: Scope, control: Control) -> Locator | None:
    return scope.get_by_label(control.text, exact=True) if control.is_input else None


def _by_placeholder(page: Page, scope: Scope, control: Control) -> Locator | None:
    return scope.get_by_placeholder(control.text, exact=True) if control.is_input else None


def _by_text(page: Page, scope: Scope, control: Control) -> Locator | None:
    """A button: the element showing the text. An input: the one in the smallest box that also shows its label."""
    if not control.is_input:
        return scope.get_by_text(control.text, exact=True)
    kinds = _any_role(page, control.roles)
    # Boxes holding both the label's words and a control: the innermost is the last in document order.
    box = scope.locator("*").filter(has=page.get_by_text(control.text, exact=True)).filter(has=kinds).last
    return _any_role(box, control.roles)


def _any_role(scope: Scope, roles: tuple[str, ...]) -> Locator:
    found = scope.get_by_role(roles[0])  # type: ignore[arg-type]
    for role in roles[1:]:
        found = found.or_(scope.get_by_role(role))  # type: ignore[arg-type]
    return found


#: The ways, in the order they are tried.
WAYS: dict[str, Way] = {"role": _by_role, "label": _by_label, "placeholder": _by_placeholder, "text": _by_text}


def add_way(name: str, way: Way, first: bool = True) -> None:
    """Add a way to find controls (e.g. a portal profile's selectors), tried first unless ``first`` is False."""
    global WAYS
    WAYS = {name: way, **WAYS} if first else {**WAYS, name: way}


#: A portal profile's locators (``[locators.<name>]``): control text -> ``{"role", "name"}``, ``{"text"}`` or
#: ``{"css"}``. CSS comes only from here, the user's own profile, never from code.
_PROFILE: dict[str, dict[str, str]] = {}


def _by_profile(page: Page, scope: Scope, control: Control) -> Locator | None:
    spec = _PROFILE.get(control.text)
    if spec is None:
        return None
    if "css" in spec:
        return scope.locator(spec["css"])
    if "text" in spec:
        return scope.get_by_text(spec["text"], exact=True)
    return scope.get_by_role(spec["role"], name=spec.get("name") or None, exact=True)  # type: ignore[arg-type]


def use_locators(by_text: dict[str, dict[str, str]]) -> None:
    """Put a portal profile's locators first (by the control's label text); an empty mapping removes them."""
    global WAYS, _PROFILE
    _PROFILE = dict(by_text)
    rest = {name: way for name, way in WAYS.items() if name != "profile"}
    WAYS = {"profile": _by_profile, **rest} if _PROFILE else rest
    with Finder._lock:
        Finder._memory.clear()  # what was found before may have been found another way


class Finder:
    """Finds the controls of one page object and remembers, per page object, which way matched each."""

    #: (page object, control text) -> the way that found it last; shared by every instance (and thread).
    _memory: dict[tuple[str, str], str] = {}
    _lock = threading.Lock()

    def __init__(self, owner: str, page: Page, scope: Scope | None = None) -> None:
        self.owner = owner
        self.page = page
        self.scope: Scope = scope if scope is not None else page

    def _ways(self, control: Control) -> list[tuple[str, Locator]]:
        found = []
        for name, way in WAYS.items():
            loc = way(self.page, self.scope, control)
            if loc is not None:
                found.append((name, loc))
        return found

    def candidates(self, control: Control) -> Locator:
        """Every element any way finds for the control (to narrow down further, e.g. as a ``has`` filter)."""
        ways = self._ways(control)
        combined = ways[0][1]
        for _, loc in ways[1:]:
            combined = combined.or_(loc)
        return combined

    def locator(self, control: Control) -> Locator:
        """The control found by any way (the first match in the page), for acting on or counting.

        All ways in one locator: one round trip whichever matches, and still right when the portal changes
        between two lookups (an A/B test, a new build).
        """
        return self.candidates(control).first

    def resolve(self, control: Control, timeout_ms: float | None = None) -> Locator:
        """Wait until the control shows, then find out (once per page object) which way finds it.

        Raises:
            playwright.sync_api.Error: it did not show in time (the caller names the drift).
        """
        ways = self._ways(control)
        key = (self.owner, control.text)
        combined = self.locator(control)
        combined.wait_for(state="visible", timeout=timeout_ms)
        known = self._memory.get(key)
        # The way that found it before is asked first: usually the only extra round trip.
        for name, loc in sorted(ways, key=lambda way: way[0] != known):
            if loc.first.is_visible():
                with self._lock:
                    self._memory[key] = name
                return loc.first
        return combined

    def which(self, control: Control) -> str:
        """The first way that finds the control now ("" when none does); remembered for this page object."""
        for name, loc in self._ways(control):
            if loc.count() > 0:
                with self._lock:
                    self._memory[(self.owner, control.text)] = name
                return name
        return ""

    @classmethod
    def found_by(cls, owner: str | None = None) -> dict[str, str]:
        """How each control was found: ``"PageObject: text" -> way`` (for ``doctor``)."""
        with cls._lock:
            return {f"{o}: {text}": way for (o, text), way in sorted(cls._memory.items()) if owner in (None, o)}
