"""The company choice after the one-time code («Выберите компанию»), for accounts with several companies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page

from pages.base import PageObject
from pages.finders import Control

#: An option's visible text: the company's name, then its id (``Shenzhen Bright Trade ID 1180452``).
_OPTION = re.compile(r"\s*(?P<name>.*?)[\s,(]*\bID\b\s*[:№]?\s*(?P<id>\d+)\)?\s*", re.S)
#: The text a person reads beside each radio button: its label when it has one, else the row it stands in
#: (UI kits put the name in a span beside a custom ``role=radio``, tied to nothing).
_TEXT_BESIDE = "els => els.map(el => ((el.parentElement || el).innerText || el.textContent || '').trim())"


@dataclass(frozen=True)
class CompanyOption:
    """One company offered: its name and its id as shown."""

    name: str
    id: str

    def __str__(self) -> str:
        return f"{self.name} (ID {self.id})" if self.id else self.name


class CompanyChoicePage(PageObject):
    """«Выберите компанию»: radio options with the companies' names and ids, and «Далее»."""

    on_sign_in_pages = True

    def __init__(self, page: Page, lang: str = "ru", timeout_ms: float | None = None) -> None:
        super().__init__(page, lang, timeout_ms)
        lb = self.labels
        self.heading = page.get_by_role("heading", name=lb.company_heading, exact=True).or_(
            page.get_by_text(lb.company_heading, exact=True))
        self.next = self.control(self.finder(), Control(lb.company_next))
        self.radios = page.get_by_role("radio")

    def is_shown(self) -> bool:
        """Whether the browser shows the company choice now."""
        return self.heading.count() > 0 and self.radios.count() > 0

    def options(self) -> list[CompanyOption]:
        """The companies offered, in the order shown."""
        self._wait_visible(self.radios.first, self.labels.company_heading)
        options = []
        for text in self.radios.evaluate_all(_TEXT_BESIDE):
            found = _OPTION.fullmatch(str(text))
            name, ident = (found["name"], found["id"]) if found else (str(text), "")
            options.append(CompanyOption(" ".join(name.split()), ident))
        return options

    def choose(self, index: int) -> None:
        """Pick the ``index``-th option and go on («Далее»); wait until the portal answers."""
        self.radios.nth(index).click()
        with self.page.expect_navigation():
            self.next.click()

    def controls(self) -> dict[str, Locator]:
        """The company step's controls."""
        return {self.labels.company_next: self.next}
