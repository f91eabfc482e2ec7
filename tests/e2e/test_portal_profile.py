"""The portal profile end to end: renamed labels are named by ``doctor`` with the profile line that fixes each;
with those lines in a profile file, ``change`` and ``doctor`` pass, with no code changed. A profile that cannot
be used stops every command before any browser (exit 2), naming the file, the line and the key.

Labels are renamed the way the live portal renames them: by the sandbox (``POST /_sandbox/labels``), on every
front end in ``--skins``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.core.settings import Settings
from pages.profile import use_profile
from tests.conftest import Oracle
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e

#: The sandbox's i18n key -> (the label name in pages/labels.py, what the "portal" now shows).
RENAMES = {
    "drawer": {"drawer.edit_tracking": ("edit_tracking", "Редактировать трек"),
               "drawer.chat_buyer": ("chat_buyer", "Чат с покупателем")},
    "dialog": {"dialog.save": ("save", "Готово"), "dialog.tracking": ("tracking_input", "Номер для отслеживания")},
}


@pytest.fixture(autouse=True)
def no_profile_left() -> Iterator[None]:
    """The in-process CLI installs the profile process-wide: later tests in this worker get the shipped tables."""
    yield
    use_profile(None)


def doctor_checks(result: Any) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = json.loads(result.output)
    return checks


def profile_from_fix_lines(lines: list[str]) -> str:
    """A profile file made of doctor's lines, as a person would paste them: ``[labels.ru] name = "text"``."""
    tables: dict[str, list[str]] = {}
    for line in lines:
        header, entry = line.split("] ", 1)
        tables.setdefault(header + "]", []).append(entry)
    return "".join(f"{header}\n" + "\n".join(entries) + "\n\n" for header, entries in tables.items())


@pytest.mark.parametrize("where", ["drawer", "dialog"], ids=["drawer-buttons-renamed", "dialog-labels-renamed"])
def test_doctor_should_name_each_renamed_label_with_its_profile_line_and_that_profile_should_make_change_pass(
    cli: Callable[..., Any], sandbox: Oracle, agent_settings: Settings, tmp_path: Path, where: str
) -> None:
    for key, (_name, text) in RENAMES[where].items():
        sandbox.set_label("ru", key, text)

    drifted = cli("doctor", "--json")

    assert drifted.exit_code == 1, drifted.output
    fixes = [c["detail"] for c in doctor_checks(drifted) if c["check"] == "fix"]
    lines = []
    for _key, (name, text) in RENAMES[where].items():
        fix = next((f for f in fixes if f"[labels.ru] {name} = " in f), None)
        assert fix is not None, f"doctor names no profile line for {name}: {fixes}"
        assert f"«{text}»" in fix, f"doctor does not suggest what it saw: {fix}"
        lines.append(f'[labels.ru] {name} = "{text}"')  # the person copies the line, with the text they see
    profile = tmp_path / "portal.toml"
    profile.write_text(profile_from_fix_lines(lines), encoding="utf-8")
    number = sandbox.postings(editable=True, limit=5)[0]["posting_number"]
    new = s10(15_000_001 if where == "drawer" else 15_000_002)

    changed = cli("--profile", str(profile), "change", number, new)
    healthy = cli("doctor", "--json", env_extra={"OZON_RPA_PORTAL_PROFILE": str(profile)})

    assert changed.exit_code == 0, changed.output
    assert sandbox.posting(number)["tracking_number"] == new
    assert healthy.exit_code == 0, healthy.output
    assert not [c for c in doctor_checks(healthy) if c["check"] == "fix"]


@pytest.mark.parametrize(("content", "line", "key"), [
    ('[labels.ru]\nsave = "Готово"\nedt_tracking = "Изменить"\n', 3, "labels.ru.edt_tracking"),
    ('# mine\n\n[labels.de]\nsave = "Speichern"\n', 3, "labels.de"),
    ('[labels.en]\nsave = 3\n', 2, "labels.en.save"),
    ('[labels.en]\nsave = "Save\n', 2, "not valid TOML"),
    ('[locators.save]\nrole = "button"\ncss = "button.primary"\n', 1, "locators.save"),
], ids=["unknown-label", "unknown-language", "wrong-type", "toml-syntax", "two-ways-for-one-control"])
def test_every_command_should_refuse_a_broken_profile_with_exit_2_naming_file_line_and_key(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path, content: str, line: int, key: str
) -> None:
    profile = tmp_path / "broken.toml"
    profile.write_text(content, encoding="utf-8")
    number = sandbox.postings(editable=True, limit=1)[0]["posting_number"]

    for args in (("change", number, s10(15_000_010)), ("doctor", "--json")):
        result = cli("--profile", str(profile), *args)

        assert result.exit_code == 2, result.output
        said = " ".join(result.output.split())
        assert str(profile.name) in said and f"line {line}" in said and key in said, said
    assert sandbox.posting(number)["save_count"] == 0
