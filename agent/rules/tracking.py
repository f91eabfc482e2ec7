"""Tracking-number rules: normalisation, format detection, check digits and carrier hints.

Ozon treats a tracking number as a free string, so the only hard rules here are the ones that catch
typos before they reach the portal: characters, length, and the check digits of the two formats that
carry one (UPU S10 and Russian Post's 14-digit domestic number). Everything else (which carrier a
number probably belongs to) is a low-confidence hint that only ever produces a warning.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict

from agent.core.errors import InvalidTrackingNumber
from agent.core.i18n import N_, _, pgettext
from agent.rules.carriers import CARRIER_NAMES

#: Carrier codes as the portal's delivery-service field knows them (agent.rules.carriers is the source).
CARRIERS: tuple[str, ...] = tuple(CARRIER_NAMES)

Format = Literal[
    "s10", "russian_post", "cainiao", "yunexpress", "yanwen", "sunyou", "cdek", "boxberry", "dpd"
]

MAX_LENGTH = 32
_ALLOWED = re.compile(r"[A-Z0-9-]+")
_S10 = re.compile(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})")
_RUSSIAN_POST = re.compile(r"\d{14}")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)

# Heuristic shapes from public code (first match wins), tried after S10 and Russian Post, except
# Yanwen, which comes before S10 on purpose: `UG123456789YP` has the S10 shape, but "YP" is no
# country and Yanwen does not use the UPU check digit, so treating it as S10 would reject good numbers.
_YANWEN = re.compile(r"(UB|UD|UG|UR|VR)\d{9}YP")
_HEURISTICS: tuple[tuple[Format, str, re.Pattern[str]], ...] = (
    ("cainiao", "cainiao", re.compile(r"LP\d{14,16}")),
    ("yunexpress", "yunexpress", re.compile(r"YT\d{16}")),
    ("sunyou", "sunyou", re.compile(r"SYLLD\d{8}")),
    ("dpd", "dpd", re.compile(r"RU00\d{7}")),
    ("boxberry", "boxberry", re.compile(r"0000\d{9}")),
    ("cdek", "cdek", re.compile(r"1\d{9}")),
)

# A known prefix followed by the wrong number of digits is probably a typo (a digit dropped or
# doubled); it is worth a warning, never a rejection, because the shapes above are only guesses.
_NEAR_MISSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"LP\d+"), N_("a Cainiao number (LP + 14-16 digits)")),
    (re.compile(r"YT\d+"), N_("a YunExpress number (YT + 16 digits)")),
    (re.compile(r"SYLLD\d+"), N_("a SunYou number (SYLLD + 8 digits)")),
    (re.compile(r"(UB|UD|UG|UR|VR)\d+YP"), N_("a Yanwen number (2 letters + 9 digits + YP)")),
    (re.compile(r"RU00\d+"), N_("a DPD number (RU00 + 7 digits)")),
    (re.compile(r"[A-Z]{2}\d+[A-Z]{2}"), N_("a UPU S10 number (2 letters + 9 digits + 2 letters)")),
)

# Chinese consolidators hand many parcels to China Post, so an S10 "...CN" number under one of them
# is normal and not worth a warning.
_COMPATIBLE: dict[str, frozenset[str]] = {
    "china_post": frozenset({"china_post", "cainiao", "yunexpress", "yanwen", "sunyou", "4px"}),
}

# U+2212 MINUS SIGN is no dash by category (Sm) but is what some fonts and Excel show for '-'.
_DASHES = {"\u2212": "-"}


class TrackingCheck(BaseModel):
    """The result of checking one tracking number.

    Attributes:
        raw: the number as given.
        number: the normalised number (what is sent to the portal).
        format: the recognised format, or None when it matches none we know.
        likely_carrier: the carrier code the number suggests, or None.
        warnings: human messages worth showing; none of them blocks the change.
    """

    model_config = ConfigDict(frozen=True)

    raw: str
    number: str
    format: Format | None
    likely_carrier: str | None
    warnings: list[str]


def normalize(raw: str) -> str:
    """Normalise a tracking number as typed or pasted by a person.

    Full-width forms become ASCII (NFKC), every whitespace and invisible format character is
    dropped (including NBSP and the ideographic space), dash variants become '-', and letters
    are upper-cased.

    Args:
        raw: the number as given.

    Returns:
        The normalised number; may be empty.
    """
    text = raw
    # Upper-casing can yield text that NFKC changes again (and the other way round), so repeat
    # until nothing moves; two rounds are enough for any real input, the bound is a safety net.
    for _round in range(4):
        step = unicodedata.normalize("NFKC", text).upper()
        step = "".join(
            _DASHES.get(ch, "-" if unicodedata.category(ch) == "Pd" else ch)
            for ch in step
            # Zero-width and other format characters (U+200B, U+FEFF, soft hyphen, bidi marks) come
            # along when numbers are copied from web pages, chats and Excel: invisible, so dropped.
            if not ch.isspace() and unicodedata.category(ch) != "Cf"
        )
        if step == text:
            break
        text = step
    return text


def s10_check_digit(serial: str) -> int:
    """Compute the UPU S10 check digit of an 8-digit serial number.

    Args:
        serial: exactly 8 ASCII digits.

    Returns:
        The check digit 0-9.

    Raises:
        ValueError: if `serial` is not 8 ASCII digits.
    """
    if not re.fullmatch(r"[0-9]{8}", serial):
        raise ValueError(f"S10 serial must be 8 digits, got {serial!r}")
    remainder = sum(int(d) * w for d, w in zip(serial, _S10_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    return {10: 0, 11: 5}.get(check, check)


def russian_post_check_digit(first13: str) -> int:
    """Compute the check digit of a Russian Post 14-digit domestic number (ШПИ).

    Args:
        first13: the first 13 ASCII digits.

    Returns:
        The 14th digit 0-9.

    Raises:
        ValueError: if `first13` is not 13 ASCII digits.
    """
    if not re.fullmatch(r"[0-9]{13}", first13):
        raise ValueError(f"Russian Post number must start with 13 digits, got {first13!r}")
    odd = sum(int(d) for d in first13[0::2])  # positions 1, 3, ... (1-based)
    even = sum(int(d) for d in first13[1::2])
    return (10 - (3 * odd + even) % 10) % 10


def _show(text: str) -> str:
    """Quote a number for a message, cut to a readable length."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _detect(number: str) -> tuple[Format | None, str | None, int | None]:
    """Return (format, likely carrier, expected check digit or None) for a normalised number."""
    if _YANWEN.fullmatch(number):
        return "yanwen", "yanwen", None
    if m := _S10.fullmatch(number):
        country = m.group(4)
        likely = {"CN": "china_post", "RU": "russian_post"}.get(country)
        return "s10", likely, s10_check_digit(m.group(2))
    if _RUSSIAN_POST.fullmatch(number):
        return "russian_post", "russian_post", russian_post_check_digit(number[:13])
    for fmt, carrier, pattern in _HEURISTICS:
        if pattern.fullmatch(number):
            return fmt, carrier, None
    return None, None, None


def check(raw: str, *, carrier: str | None = None, force: bool = False) -> TrackingCheck:
    """Normalise and check a tracking number.

    Args:
        raw: the number as given.
        carrier: the carrier code the seller chose, if any; a different likely carrier is a warning.
        force: accept a wrong check digit (it becomes a warning instead of an error).

    Returns:
        The check result with the normalised number, format, likely carrier and warnings.

    Raises:
        InvalidTrackingNumber: empty, illegal characters, too long, or a wrong check digit
            (unless `force`).
    """
    number = normalize(raw)
    if not number:
        raise InvalidTrackingNumber(_("tracking number is empty"))
    if not _ALLOWED.fullmatch(number):
        bad = "".join(sorted({ch for ch in number if not _ALLOWED.fullmatch(ch)}))
        raise InvalidTrackingNumber(
            _("tracking number {number} has characters that are not allowed: {bad}; use only A-Z, 0-9 and '-'",
              number=_show(number), bad=repr(bad)))
    if len(number) > MAX_LENGTH:
        raise InvalidTrackingNumber(
            _("tracking number {number} is too long: {length} characters, at most {most}", number=_show(number),
              length=len(number), most=MAX_LENGTH))

    warnings: list[str] = []
    fmt, likely, expected = _detect(number)
    if expected is not None and int(number[-3 if fmt == "s10" else -1]) != expected:
        name = "UPU S10" if fmt == "s10" else pgettext("number format of", "Russian Post")
        message = _("tracking number {number}: probable typo: check digit should be {digit} ({name} format)",
                    number=number, digit=expected, name=name)
        if not force:
            raise InvalidTrackingNumber(message)
        warnings.append(_("{problem}; accepted because of force", problem=message))
    if fmt is None:
        for pattern, what in _NEAR_MISSES:
            if pattern.fullmatch(number):
                warnings.append(_("tracking number {number} looks like {what} but has a different length",
                                  number=number, what=_(what)))
                break
    if carrier and carrier != "other" and likely and carrier != likely:
        if carrier not in _COMPATIBLE.get(likely, frozenset({likely})):
            warnings.append(_("tracking number {number} looks like a {likely} number, but the carrier is {carrier}",
                              number=number, likely=likely, carrier=carrier))
    return TrackingCheck(raw=raw, number=number, format=fmt, likely_carrier=likely, warnings=warnings)
