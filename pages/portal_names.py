"""The names the portal shows for our codes (statuses, delivery services, delivery schemes), per language.

Page objects read a posting's status, carrier and scheme as words and turn them back into codes with
:func:`code_of` (a word not in the table gives "", never a guess).
"""

from __future__ import annotations

#: Status names as the portal shows them, by our status code (the same codes as the seller API's).
STATUS_NAMES: dict[str, dict[str, str]] = {
    "ru": {"awaiting_packaging": "Ожидает упаковки", "awaiting_deliver": "Ожидает отгрузки",
           "sent_by_seller": "Отправлено продавцом", "delivering": "Доставляется", "driver_pickup": "У водителя",
           "last_mile": "Последняя миля", "delivered": "Доставлено", "cancelled": "Отменено",
           "arbitration": "Арбитраж"},
    "en": {"awaiting_packaging": "Awaiting packaging", "awaiting_deliver": "Awaiting shipment",
           "sent_by_seller": "Sent by seller", "delivering": "Delivering", "driver_pickup": "With the driver",
           "last_mile": "Last Mile", "delivered": "Delivered", "cancelled": "Cancelled",
           "arbitration": "Arbitration"},
    "zh": {"awaiting_packaging": "等待备货", "awaiting_deliver": "等待发运", "sent_by_seller": "卖家已发货",
           "delivering": "运输中", "driver_pickup": "司机已取件", "last_mile": "最后一英里", "delivered": "已送达",
           "cancelled": "已取消", "arbitration": "仲裁中"},
}
#: Delivery-service names as the portal shows them (field, list column, the dialog's choices), by carrier code.
CARRIER_NAMES: dict[str, dict[str, str]] = {
    "ru": {"ozon": "Ozon Логистика", "russian_post": "Почта России", "cdek": "СДЭК", "boxberry": "Boxberry",
           "dpd": "DPD", "china_post": "Почта Китая", "cainiao": "Cainiao", "yunexpress": "YunExpress",
           "yanwen": "Yanwen", "sunyou": "SunYou", "4px": "4PX", "other": "Другая служба"},
    "en": {"ozon": "Ozon Logistics", "russian_post": "Russian Post", "cdek": "CDEK", "boxberry": "Boxberry",
           "dpd": "DPD", "china_post": "China Post", "cainiao": "Cainiao", "yunexpress": "YunExpress",
           "yanwen": "Yanwen", "sunyou": "SunYou", "4px": "4PX", "other": "Other"},
    "zh": {"ozon": "Ozon 物流", "russian_post": "俄罗斯邮政", "cdek": "CDEK", "boxberry": "Boxberry", "dpd": "DPD",
           "china_post": "中国邮政", "cainiao": "菜鸟", "yunexpress": "云途物流", "yanwen": "燕文物流",
           "sunyou": "顺友物流", "4px": "递四方", "other": "其他"},
}
#: Delivery-scheme names (``tpl_integration_type``) as the drawer shows them.
SCHEME_NAMES: dict[str, dict[str, str]] = {
    "ru": {"ozon": "Доставка Ozon", "aggregator": "Агрегатор доставки",
           "3pl_tracking": "Сторонняя служба доставки (3PL)", "non_integrated": "Доставка продавцом (rFBS)",
           "hybryd": "Почта России (гибридная схема)"},
    "en": {"ozon": "Ozon delivery", "aggregator": "Delivery aggregator", "3pl_tracking": "Third-party carrier (3PL)",
           "non_integrated": "Seller delivery (rFBS)", "hybryd": "Russian Post (hybrid scheme)"},
    "zh": {"ozon": "Ozon 物流配送", "aggregator": "物流聚合商", "3pl_tracking": "第三方物流 (3PL)",
           "non_integrated": "卖家自配送 (rFBS)", "hybryd": "俄罗斯邮政（混合方案）"},
}
#: What the portal shows where a posting has no delivery service.
NO_CARRIER = "—"


def code_of(names: dict[str, dict[str, str]], lang: str, shown: str) -> str:
    """The code of a name as shown (status, carrier, scheme), or "" when the text is not in the table."""
    shown = " ".join(shown.split())
    for code, name in names[lang].items():
        if name == shown:
            return code
    return ""
