"""Tracking-number rules: normalisation, formats, check digits, carrier hints."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from agent.core.errors import InvalidTrackingNumber
from agent.rules.tracking import CARRIERS, check, normalize, russian_post_check_digit, s10_check_digit

VALID_S10 = "RR473124829GB"
VALID_RUSSIAN_POST = "62009147017544"

_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_SPACES = st.sampled_from([" ", "\u00a0", "\u3000", "\t", "\u200b", "\ufeff", "\u2009", ""])


def _s10(prefix: str, serial: str, country: str) -> str:
    return f"{prefix}{serial}{s10_check_digit(serial)}{country}"


def _russian_post(first13: str) -> str:
    return f"{first13}{russian_post_check_digit(first13)}"


# --- normalize ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  rr473124829gb ", VALID_S10),
        ("ＲＲ４７３１２４８２９ＧＢ", VALID_S10),
        ("RR 4731\u00a02482\u30009GB", VALID_S10),
        ("\u200bRR473124829GB\ufeff", VALID_S10),
        ("6200 9147 0175 44", VALID_RUSSIAN_POST),
        ("AB－12–3", "AB-12-3"),
        ("", ""),
    ],
)
def test_normalize_should_trim_fold_width_drop_spaces_and_upper_case(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@given(st.text())
def test_normalize_should_be_idempotent(raw: str) -> None:
    once = normalize(raw)
    assert normalize(once) == once


@given(st.from_regex(r"[A-Za-z0-9-]{1,20}", fullmatch=True), st.data())
def test_normalize_should_map_full_width_and_spaced_variants_to_the_same_number(
    text: str, data: st.DataObject
) -> None:
    full_width = "".join(_FULL_WIDTH.get(ch, ch) for ch in text)
    spaced = "".join(ch + data.draw(_SPACES) for ch in text)
    assert normalize(full_width) == normalize(spaced) == normalize(text) == text.upper()


# --- check digits ------------------------------------------------------------------------------


def test_s10_check_digit_should_match_the_documented_example() -> None:
    assert s10_check_digit("47312482") == 9


def test_russian_post_check_digit_should_match_the_documented_example() -> None:
    assert russian_post_check_digit("6200914701754") == 4


@pytest.mark.parametrize(("bad", "func"), [("1234567", s10_check_digit), ("12345678a", s10_check_digit),
                                           ("123", russian_post_check_digit)])
def test_check_digit_functions_should_refuse_malformed_input(bad: str, func: object) -> None:
    with pytest.raises(ValueError):
        func(bad)  # type: ignore[operator]


@given(st.from_regex(r"[0-9]{8}", fullmatch=True), st.from_regex(r"[A-Z]{2}", fullmatch=True))
def test_any_serial_with_its_computed_s10_check_digit_should_validate(serial: str, country: str) -> None:
    result = check(_s10("EE", serial, country))
    assert result.format == "s10"
    assert result.warnings == []


@given(st.from_regex(r"[0-9]{13}", fullmatch=True))
def test_any_13_digits_with_their_computed_check_digit_should_validate(first13: str) -> None:
    result = check(_russian_post(first13))
    assert result.format == "russian_post"
    assert result.likely_carrier == "russian_post"


def test_every_single_digit_change_of_a_russian_post_number_should_be_detected() -> None:
    # Exhaustive, not sampled: weights 3 and 1 are both prime to 10, so each change must show.
    for position in range(13):
        for digit in "0123456789":
            if digit == VALID_RUSSIAN_POST[position]:
                continue
            typo = VALID_RUSSIAN_POST[:position] + digit + VALID_RUSSIAN_POST[position + 1:]
            with pytest.raises(InvalidTrackingNumber, match="check digit should be"):
                check(typo)


@given(st.from_regex(r"[0-9]{13}", fullmatch=True), st.integers(0, 12), st.integers(1, 9))
def test_any_single_digit_change_in_the_first_13_of_a_russian_post_number_should_be_detected(
    first13: str, position: int, shift: int
) -> None:
    valid = _russian_post(first13)
    digit = str((int(valid[position]) + shift) % 10)
    with pytest.raises(InvalidTrackingNumber):
        check(valid[:position] + digit + valid[position + 1:])


@given(st.from_regex(r"[0-9]{8}", fullmatch=True), st.integers(0, 7), st.integers(1, 9))
def test_a_single_digit_change_in_an_s10_serial_should_be_detected_unless_the_check_digit_is_5(
    serial: str, position: int, shift: int
) -> None:
    # C = 5 stands for both S mod 11 = 0 and S mod 11 = 6, so only there can a typo go unseen; every
    # other check digit stands for one remainder, and any one-digit change moves the remainder.
    assume(s10_check_digit(serial) != 5)
    valid = _s10("RR", serial, "RU")
    index = 2 + position
    typo = valid[:index] + str((int(valid[index]) + shift) % 10) + valid[index + 1:]
    with pytest.raises(InvalidTrackingNumber, match="probable typo"):
        check(typo)


def test_most_single_digit_changes_of_an_s10_serial_should_be_detected() -> None:
    serials = [f"{n:08d}" for n in range(0, 100_000_000, 7_654_321)]
    missed = total = 0
    for serial in serials:
        valid = _s10("RR", serial, "RU")
        for index in range(2, 10):
            for digit in "0123456789":
                if digit != valid[index]:
                    total += 1
                    try:
                        check(valid[:index] + digit + valid[index + 1:])
                        missed += 1
                    except InvalidTrackingNumber:
                        pass
    assert missed / total < 0.1


# --- check -------------------------------------------------------------------------------------


def test_check_should_accept_the_documented_examples() -> None:
    s10 = check(VALID_S10)
    assert (s10.number, s10.format, s10.likely_carrier) == (VALID_S10, "s10", None)
    rp = check(VALID_RUSSIAN_POST)
    assert (rp.number, rp.format, rp.likely_carrier) == (VALID_RUSSIAN_POST, "russian_post", "russian_post")


def test_check_should_keep_the_raw_text_and_return_the_normalised_number() -> None:
    result = check(" ｒｒ473124829gb ")
    assert result.raw == " ｒｒ473124829gb "
    assert result.number == VALID_S10


def test_check_should_reject_a_wrong_s10_check_digit_naming_the_right_one() -> None:
    with pytest.raises(InvalidTrackingNumber, match=r"RR473124828GB: probable typo: check digit should be 9"):
        check("RR473124828GB")


def test_check_should_reject_a_wrong_russian_post_check_digit() -> None:
    with pytest.raises(InvalidTrackingNumber, match=r"62009147017545.*should be 4"):
        check("62009147017545")


def test_check_should_turn_a_wrong_check_digit_into_a_warning_when_forced() -> None:
    result = check("RR473124828GB", force=True)
    assert result.number == "RR473124828GB"
    assert any("check digit should be 9" in w for w in result.warnings)


@pytest.mark.parametrize("raw", ["", "   ", "\u3000\u200b"])
def test_check_should_reject_an_empty_number(raw: str) -> None:
    with pytest.raises(InvalidTrackingNumber, match="empty"):
        check(raw)


@pytest.mark.parametrize(("raw", "bad"), [("AB#123", "#"), ("AB/12.3", "./"), ("ТРЕК123", "ЕКРТ")])
def test_check_should_reject_illegal_characters_and_name_them(raw: str, bad: str) -> None:
    with pytest.raises(InvalidTrackingNumber, match="not allowed") as err:
        check(raw)
    assert repr(bad) in str(err.value)


def test_check_should_reject_numbers_longer_than_32_characters() -> None:
    check("A" * 32)
    with pytest.raises(InvalidTrackingNumber, match="too long: 33"):
        check("A" * 33)


@pytest.mark.parametrize(
    ("number", "fmt", "carrier"),
    [
        ("LP00123456789012", "cainiao", "cainiao"),
        ("LP001234567890123", "cainiao", "cainiao"),
        ("YT1234567890123456", "yunexpress", "yunexpress"),
        ("UG123456789YP", "yanwen", "yanwen"),
        ("SYLLD12345678", "sunyou", "sunyou"),
        ("1234567890", "cdek", "cdek"),
        ("0000123456789", "boxberry", "boxberry"),
        ("RU001234567", "dpd", "dpd"),
        (_s10("LZ", "12345678", "CN"), "s10", "china_post"),
        (_s10("RA", "12345678", "RU"), "s10", "russian_post"),
        ("XYZ-123", None, None),
    ],
)
def test_check_should_guess_the_carrier_from_known_shapes(
    number: str, fmt: str | None, carrier: str | None
) -> None:
    result = check(number)
    assert (result.format, result.likely_carrier) == (fmt, carrier)


def test_check_should_warn_but_accept_when_the_number_looks_like_another_carrier() -> None:
    result = check("1234567890", carrier="russian_post")
    assert result.number == "1234567890"
    assert any("cdek" in w and "russian_post" in w for w in result.warnings)


def test_check_should_not_warn_when_the_carrier_matches_or_is_a_china_post_partner() -> None:
    assert check("1234567890", carrier="cdek").warnings == []
    assert check(_s10("LZ", "12345678", "CN"), carrier="cainiao").warnings == []
    assert check("1234567890", carrier="other").warnings == []


@pytest.mark.parametrize("number", ["LP0012345", "YT12345", "SYLLD123", "UG12345YP", "RU0012", "RR12345GB"])
def test_check_should_warn_on_a_known_prefix_with_the_wrong_length(number: str) -> None:
    result = check(number)
    assert result.format is None
    assert any("different length" in w for w in result.warnings)


def test_carrier_codes_should_be_the_portals_list() -> None:
    assert set(CARRIERS) == {
        "russian_post", "cdek", "boxberry", "dpd", "china_post", "cainiao",
        "yunexpress", "yanwen", "sunyou", "4px", "other",
    }
