"""Accounts with several companies: the company choice after the code («Выберите компанию»), on both skins.

The agent acts for ``OZON_RPA_COMPANY`` (a name or an id, as the choice shows them) and never guesses: with
several companies and none named, or a name that matches none, sign-in stops with exit 2, listing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import Oracle

pytestmark = pytest.mark.e2e

#: The sandbox's two-company account (fixtures/sandbox/auth.py) and its companies.
GROUP_LOGIN = "+7 900 000-00-02"
COMPANIES = {"1180452": "Shenzhen Bright Trade", "2291733": "Guangzhou Star Export"}


def fresh_login(cli: Callable[..., Any], state_dir: Path, **env: str) -> Any:
    """``ozon-rpa login`` of the two-company account into an empty state directory."""
    state_dir.mkdir(exist_ok=True)
    return cli("login", env_extra={"OZON_RPA_LOGIN": GROUP_LOGIN, "OZON_RPA_STATE_DIR": str(state_dir), **env})


@pytest.mark.parametrize("company", ["Guangzhou Star Export", "guangzhou star export", "2291733"],
                         ids=["by-name", "by-name-any-case", "by-id"])
def test_sign_in_should_choose_the_company_named_by_ozon_rpa_company(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path, browser: Browser, company: str
) -> None:
    state_dir = tmp_path / "group"

    result = fresh_login(cli, state_dir, OZON_RPA_COMPANY=company)

    assert result.exit_code == 0, result.output
    context = browser.new_context(storage_state=str(state_dir / "storage-state.json"))
    page = context.new_page()
    page.goto(f"{sandbox.url}/app/postings/crossborder/fbs")
    expect(page).to_have_url(f"{sandbox.url}/app/postings/crossborder/fbs")  # no company choice asked again
    expect(page.get_by_role("banner")).to_contain_text("Guangzhou Star Export")
    expect(page.get_by_role("banner")).not_to_contain_text("Shenzhen Bright Trade")
    context.close()


@pytest.mark.parametrize("company", ["", "Nonexistent Trading"], ids=["not-set", "matches-none"])
def test_sign_in_should_stop_with_exit_2_listing_the_companies_when_none_is_named(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path, company: str
) -> None:
    result = fresh_login(cli, tmp_path / "group", OZON_RPA_COMPANY=company)

    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert "OZON_RPA_COMPANY" in output
    for ident, name in COMPANIES.items():
        assert name in output and ident in output


def test_the_default_login_should_see_no_company_choice(cli: Callable[..., Any], sandbox: Oracle,
                                                       tmp_path: Path) -> None:
    state_dir = tmp_path / "single"
    state_dir.mkdir()

    result = cli("login", env_extra={"OZON_RPA_STATE_DIR": str(state_dir)})

    assert result.exit_code == 0, result.output
