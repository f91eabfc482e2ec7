"""Delivery services the portal knows, by code, with their names in each language."""

from __future__ import annotations

CARRIER_NAMES: dict[str, dict[str, str]] = {
    "russian_post": {"ru": "Почта России", "en": "Russian Post", "zh": "俄罗斯邮政"},
    "cdek": {"ru": "СДЭК", "en": "CDEK", "zh": "CDEK"},
    "boxberry": {"ru": "Boxberry", "en": "Boxberry", "zh": "Boxberry"},
    "dpd": {"ru": "DPD", "en": "DPD", "zh": "DPD"},
    "china_post": {"ru": "Почта Китая", "en": "China Post", "zh": "中国邮政"},
    "cainiao": {"ru": "Cainiao", "en": "Cainiao", "zh": "菜鸟"},
    "yunexpress": {"ru": "YunExpress", "en": "YunExpress", "zh": "云途"},
    "yanwen": {"ru": "Yanwen", "en": "Yanwen", "zh": "燕文"},
    "sunyou": {"ru": "SunYou", "en": "SunYou", "zh": "顺友"},
    "4px": {"ru": "4PX", "en": "4PX", "zh": "递四方"},
    "other": {"ru": "другая служба", "en": "another carrier", "zh": "其他物流"},
}


def carrier_name(code: str | None, lang: str = "ru") -> str:
    """A carrier's display name in ``lang``; the code itself when unknown, empty for none."""
    if not code:
        return ""
    return CARRIER_NAMES.get(code, {}).get(lang, code)
