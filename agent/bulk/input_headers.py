"""The vocabulary of bulk input files: column names, carrier names and cell values, in three languages.

Sellers write these files by hand in Excel, in Russian, English or Chinese, so every lookup here
ignores case, spaces, underscores, hyphens, full-width forms and a stray BOM.
"""

from __future__ import annotations

import re
import unicodedata

from agent.core.i18n import _
from agent.rules.carriers import CARRIER_NAMES

#: Input field -> accepted column names. Order matters: when several columns match one field, the
#: column whose alias comes first wins (so "new tracking number" beats a plain "tracking number").
HEADER_ALIASES: dict[str, list[str]] = {
    "posting_number": [
        "posting_number", "posting", "Номер отправления", "Отправление", "货件编号", "货件号", "订单号",
    ],
    "tracking_number": [
        "new_tracking_number", "new_tracking", "Новый трек-номер", "新单号", "新跟踪号", "新追踪号",
        "tracking_number", "tracking", "Трек-номер", "跟踪号", "追踪号", "运单号",
    ],
    "carrier": [
        "carrier", "delivery_service", "Служба доставки", "Перевозчик", "物流公司", "承运商", "物流商",
    ],
    "reason": ["reason", "Причина", "原因", "备注"],
    "notify": ["notify", "Уведомить", "通知买家"],
    "expected_items": ["expected_items", "Ожидаемые товары", "预期商品"],
    "expected_address": ["expected_address", "Ожидаемый адрес", "预期地址"],
    "pending": ["pending", "Ожидает номер", "待定"],
}

#: Carrier code -> names sellers write for it (the code itself is always accepted too).
CARRIER_ALIASES: dict[str, list[str]] = {
    "russian_post": [
        "Russian Post", "Pochta", "Pochta Rossii", "Почта России", "Почта",
        "俄罗斯邮政", "俄邮", "俄罗斯邮局",
    ],
    "cdek": ["CDEK", "СДЭК", "СДЕК", "SDEK"],
    "boxberry": ["Boxberry", "Боксберри"],
    "dpd": ["DPD", "DPD Russia", "ДПД"],
    "china_post": ["China Post", "ChinaPost", "中国邮政", "中邮", "中国邮政小包", "Почта Китая"],
    "cainiao": ["Cainiao", "菜鸟", "菜鸟网络", "菜鸟物流", "Цайняо"],
    "yunexpress": ["YunExpress", "Yun Express", "云途", "云途物流"],
    "yanwen": ["Yanwen", "燕文", "燕文物流", "Яньвэнь"],
    "sunyou": ["SunYou", "Sun You", "顺友", "顺友物流"],
    "4px": ["4PX", "4PX Express", "递四方"],
    "other": ["other", "Другое", "Другая", "Прочее", "其他", "其它"],
}

TRUTHY = frozenset({"yes", "y", "true", "1", "on", "x", "+", "да", "д", "是", "是的", "对"})
FALSY = frozenset({"no", "n", "false", "0", "off", "нет", "н", "否", "不"})

# Characters that do not distinguish one header (or carrier name) from another when people type them.
_NOISE = re.compile(r"[\s_\-.*:：]+")


def key(text: str) -> str:
    """Reduce a header or name to a comparison key: NFKC, case-folded, without spaces, '_', '-', BOM.

    Args:
        text: a header cell, a carrier name or a cell value.

    Returns:
        The key; equal keys mean "the same name" for this module.
    """
    folded = unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold().replace("ё", "е")
    return _NOISE.sub("", folded)


_HEADER_KEYS: dict[str, tuple[str, int]] = {}
for _field, _aliases in HEADER_ALIASES.items():
    for _rank, _alias in enumerate(_aliases):
        _HEADER_KEYS.setdefault(key(_alias), (_field, _rank))

_CARRIER_KEYS: dict[str, str] = {}
for _code, _names in CARRIER_ALIASES.items():
    # The portal's own display names (as the sandbox and the drawer show them) are accepted too.
    for _name in (_code, *_names, *CARRIER_NAMES.get(_code, {}).values()):
        _CARRIER_KEYS.setdefault(key(_name), _code)


def match_columns(header: list[str]) -> dict[str, int]:
    """Map input fields to column indexes of a header row.

    Args:
        header: the header cells as read.

    Returns:
        Field name -> 0-based column index, for the fields found. When several columns match one
        field, the best-ranked alias wins, then the leftmost column.
    """
    best: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(header):
        found = _HEADER_KEYS.get(key(cell))
        if found is None:
            continue
        field, rank = found
        if field not in best or rank < best[field][0]:
            best[field] = (rank, index)
    return {field: index for field, (_rank, index) in best.items()}


def carrier_code(name: str) -> str | None:
    """Map a carrier name in any language (or a carrier code) to the portal's carrier code.

    Args:
        name: e.g. "Почта России", "菜鸟", "cdek".

    Returns:
        The carrier code, or None if the name is unknown.
    """
    return _CARRIER_KEYS.get(key(name))


def parse_bool(value: str) -> bool | None:
    """Read a yes/no cell (yes/true/1/да/是 and their opposites).

    Args:
        value: the cell text.

    Returns:
        True or False, or None when the cell is empty.

    Raises:
        ValueError: if the value is neither truthy nor falsy.
    """
    k = key(value)
    if not k:
        return None
    if k in TRUTHY:
        return True
    if k in FALSY:
        return False
    raise ValueError(_("cannot read {value} as yes or no", value=repr(value.strip())))


# "SKU x2", "SKU × 2", "SKU*2", "SKU х2" (Cyrillic х, typed on a Russian layout), "SKU" alone = 1.
_ITEM = re.compile(r"(?P<sku>.+?)(?:\s*[×*]\s*|\s+[xXхХ]\s*)(?P<qty>\d+)")


def parse_items(value: str) -> dict[str, int] | None:
    """Read an expected-items cell such as "SKU-1 x2; SKU-2 x1".

    Items are separated by ';', '；', ',', '，' or line breaks; a repeated SKU adds up.

    Args:
        value: the cell text.

    Returns:
        SKU -> quantity, or None when the cell is empty.

    Raises:
        ValueError: if an item has a zero or absurdly large quantity.
    """
    items: dict[str, int] = {}
    for part in re.split(r"[;；,，\n]+", unicodedata.normalize("NFKC", value)):
        part = part.strip()
        if not part:
            continue
        m = _ITEM.fullmatch(part)
        sku, qty_text = (m.group("sku").strip(), m.group("qty")) if m else (part, "1")
        if len(qty_text) > 6:
            raise ValueError(_("quantity of {sku} is too large: {qty}", sku=repr(sku), qty=qty_text))
        qty = int(qty_text)
        if qty <= 0:
            raise ValueError(_("quantity of {sku} must be at least 1", sku=repr(sku)))
        items[sku] = items.get(sku, 0) + qty
    return items or None
