"""The portal profile file: what it overrides, how it is refused (file, line, key), how calibrate writes it."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.core.errors import ConfigError
from pages import finders
from pages.label_tables import LABELS
from pages.labels_in_use import label_table
from pages.profile import label_name_for, profile_line, update_profile, use_profile
from scenarios.calibrate import entry_for


@pytest.fixture(autouse=True)
def shipped_tables() -> Iterator[None]:
    use_profile(None)
    yield
    use_profile(None)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portal.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_profile_should_override_only_the_labels_it_names_in_its_language(tmp_path: Path) -> None:
    use_profile(write(tmp_path, '[labels.ru]\nedit_tracking = "Изменить трек-номер"\n'))

    assert label_table("ru").edit_tracking == "Изменить трек-номер"
    assert label_table("ru").save == LABELS["ru"].save
    assert label_table("en") == LABELS["en"]


def test_a_profiles_locators_should_be_tried_first_and_go_away_with_the_profile(tmp_path: Path) -> None:
    use_profile(write(tmp_path, '[locators.save]\nrole = "button"\nname = "Готово"\n'))
    assert next(iter(finders.WAYS)) == "profile"

    use_profile(None)
    assert "profile" not in finders.WAYS


@pytest.mark.parametrize(("text", "said"), [
    ('[labels.ru]\nsave = "Готово"\nedt_tracking = "x"\n', "line 3: labels.ru.edt_tracking: unknown key"),
    ('\n[labels.de]\nsave = "x"\n', "line 2: labels.de: unknown key"),
    ('[labels.en]\nsave = 3\n', "line 2: labels.en.save"),
    ('[labels.en]\nsave = "x\n', "line 2, column"),
    ('[locators.sav]\ntext = "x"\n', "line 1: locators.sav: unknown key"),
    ('[locators.save]\nname = "x"\n', "line 1: locators.save"),
    ('[labels.ru]\ndrawer_name = "Отправление"\n', "line 2: labels.ru.drawer_name: must keep {}"),
    ('[labels.ru]\nsave = "  "\n', "line 2: labels.ru.save: empty"),
], ids=["unknown-label", "unknown-language", "wrong-type", "toml-syntax", "unknown-locator", "name-without-role",
        "lost-placeholder", "empty-label"])
def test_a_broken_profile_should_be_refused_naming_file_line_and_key(tmp_path: Path, text: str, said: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as refused:
        use_profile(path)

    assert str(path) in str(refused.value) and said in str(refused.value)
    assert label_table("ru") == LABELS["ru"], "a refused profile installs nothing"


def test_calibrate_should_update_a_profile_keeping_what_the_person_wrote(tmp_path: Path) -> None:
    path = write(tmp_path, '# my portal\n[labels.ru]\nclose = "Закрыть окно"\n')

    update_profile(path, {"ru": {"save": "Готово"}}, {"cancel": {"role": "button", "name": "Нет"}})

    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my portal")
    assert tomllib.loads(text) == {"labels": {"ru": {"close": "Закрыть окно", "save": "Готово"}},
                                   "locators": {"cancel": {"role": "button", "name": "Нет"}}}


@pytest.mark.parametrize(("name", "clicked", "entry"), [
    ("save", {"role": "button", "name": "Готово", "text": "Готово"}, ("label", {"save": "Готово"})),
    ("tracking_input", {"role": "textbox", "name": "Трек", "text": "", "label": "Трек"},
     ("label", {"tracking_input": "Трек"})),
    ("save", {"role": "link", "name": "Сохранить", "text": "Сохранить"},
     ("locator", {"role": "link", "name": "Сохранить"})),
], ids=["renamed-button", "renamed-field", "same-words-other-role"])
def test_a_click_should_become_a_label_when_the_words_differ_else_a_locator(
    name: str, clicked: dict[str, str], entry: tuple[str, dict[str, str]]
) -> None:
    assert entry_for(name, str(getattr(LABELS["ru"], name)), clicked) == entry


def test_doctor_should_name_the_label_a_page_object_looked_for_among_labels_of_the_same_words() -> None:
    assert label_name_for("TrackingEditor", "ru", "Трек-номер") == "tracking_input"
    assert label_name_for("PostingDetails", "ru", "Трек-номер") == "field_tracking_number"
    assert profile_line("ru", "save", 'Сохранить "всё"') == '[labels.ru] save = "Сохранить \\"всё\\""'
