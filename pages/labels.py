"""Every visible label the page objects look for, one table per language.

When the live portal changes a wording, this is the one line to fix. The exact labels of the portal's
tracking-number edit control are not public: those entries are our best guess (see
``docs/sandbox-contract.md``) and should be corrected from a live look (``ozon-rpa doctor --live`` names the
label it could not find).

The names the portal shows for codes (statuses, carriers, delivery schemes) are in ``pages/portal_names.py``; the
labels in effect (these tables under the user's portal profile) come from ``pages/labels_in_use.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

LANGS = ("ru", "en", "zh")


@dataclass(frozen=True)
class Labels:
    """The labels of one portal language."""

    # login (Ozon ID)
    login_phone: str
    login_use_email: str
    login_email: str
    login_get_code: str
    login_code_heading: str
    login_code: str
    login_submit: str
    login_wrong_code: str
    login_new_code: str
    # company choice (accounts with several companies, after the code)
    company_heading: str
    company_next: str
    # orders list
    search_box: str
    search_button: str
    postings_table: str
    col_posting_number: str
    col_order_date: str
    col_status: str
    col_buyer: str
    col_carrier: str
    col_tracking_number: str
    loading: str
    nothing_found: str
    next_page: str
    tab_all: str
    tab_awaiting_packaging: str
    tab_awaiting_deliver: str
    tab_delivering: str
    tab_delivered: str
    tab_cancelled: str
    # posting drawer: its accessible name is ``drawer_name.format(number)``
    drawer_name: str
    drawer_not_found: str
    field_posting_number: str
    field_status: str
    field_status_since: str
    field_scheme: str
    field_carrier: str
    field_tracking_number: str
    field_ship_by: str
    field_buyer: str
    field_phone: str
    field_address: str
    items_table: str
    items_sku: str
    items_quantity: str
    tracking_not_set: str
    edit_tracking: str
    chat_buyer: str
    close: str
    # why the portal refuses an edit (``reason_status`` holds the status name at ``{}``)
    reason_ozon_assigns: str
    reason_carrier_assigns: str
    reason_status: str
    # tracking dialog
    tracking_dialog: str
    tracking_input: str
    carrier_select: str
    save: str
    cancel: str
    saved_toast: str
    # buyer chat
    chat_log: str
    chat_message: str
    chat_send: str
    chat_sent_toast: str
    chat_empty: str
    chat_author_seller: str
    chat_author_buyer: str
    chat_no_subscription: str
    chat_window_closed: str
    chat_cancelled: str
    # anti-bot challenge (we detect it; we never click it)
    antibot_heading: str
    antibot_text: str


LABELS: dict[str, Labels] = {
    "ru": Labels(
        login_phone="Телефон",
        login_use_email="Войти по почте",
        login_email="Эл. почта",
        login_get_code="Получить код",
        login_code_heading="Введите код",
        login_code="Код",
        login_submit="Войти",
        login_wrong_code="Неверный код",
        login_new_code="Получить новый код",
        company_heading="Выберите компанию",
        company_next="Далее",
        search_box="Поиск по номеру отправления, покупателю или товару",
        search_button="Найти",
        postings_table="Отправления",
        col_posting_number="Номер отправления",
        col_order_date="Дата заказа",
        col_status="Статус",
        col_buyer="Покупатель",
        col_carrier="Служба доставки",
        col_tracking_number="Трек-номер",
        loading="Загрузка…",
        nothing_found="Ничего не найдено",
        next_page="Вперёд",
        tab_all="Все",
        tab_awaiting_packaging="Ожидают упаковки",
        tab_awaiting_deliver="Ожидают отгрузки",
        tab_delivering="Доставляются",
        tab_delivered="Доставлены",
        tab_cancelled="Отменены",
        drawer_name="Отправление {}",
        drawer_not_found="Отправление не найдено",
        field_posting_number="Номер отправления",
        field_status="Статус",
        field_status_since="В статусе с",
        field_scheme="Схема доставки",
        field_carrier="Служба доставки",
        field_tracking_number="Трек-номер",
        field_ship_by="Отгрузить до",
        field_buyer="Покупатель",
        field_phone="Телефон",
        field_address="Адрес доставки",
        items_table="Товары",
        items_sku="Артикул",
        items_quantity="Количество",
        tracking_not_set="не указан",
        edit_tracking="Указать или изменить трек-номер",
        chat_buyer="Написать покупателю",
        close="Закрыть",
        reason_ozon_assigns="Трек-номер назначает служба доставки Ozon",
        reason_carrier_assigns="Трек-номер назначает интегрированная служба доставки",
        reason_status="Статус «{}» не позволяет изменить трек-номер",
        tracking_dialog="Трек-номер отправления",
        tracking_input="Трек-номер",
        carrier_select="Служба доставки",
        save="Сохранить",
        cancel="Отмена",
        saved_toast="Трек-номер сохранён",
        chat_log="Сообщения",
        chat_message="Сообщение",
        chat_send="Отправить",
        chat_sent_toast="Сообщение отправлено",
        chat_empty="Сообщений пока нет",
        chat_author_seller="Вы",
        chat_author_buyer="Покупатель",
        chat_no_subscription="Чат с покупателями доступен с подпиской Premium Plus",
        chat_window_closed="Чат закрыт: прошло больше 72 часов после доставки",
        chat_cancelled="Чат недоступен для отменённых отправлений",
        antibot_heading="Доступ ограничен",
        antibot_text="Подтвердите, что вы не робот",
    ),
    "en": Labels(
        login_phone="Phone number",
        login_use_email="Use e-mail instead",
        login_email="E-mail",
        login_get_code="Get code",
        login_code_heading="Enter the code",
        login_code="Code",
        login_submit="Sign in",
        login_wrong_code="Wrong code",
        login_new_code="Get a new code",
        company_heading="Choose a company",
        company_next="Next",
        search_box="Search by posting number, buyer or product",
        search_button="Search",
        postings_table="Postings",
        col_posting_number="Posting number",
        col_order_date="Order date",
        col_status="Status",
        col_buyer="Buyer",
        col_carrier="Delivery service",
        col_tracking_number="Tracking number",
        loading="Loading…",
        nothing_found="Nothing found",
        next_page="Next",
        tab_all="All",
        tab_awaiting_packaging="Awaiting packaging",
        tab_awaiting_deliver="Awaiting shipment",
        tab_delivering="Delivering",
        tab_delivered="Delivered",
        tab_cancelled="Cancelled",
        drawer_name="Posting {}",
        drawer_not_found="Posting not found",
        field_posting_number="Posting number",
        field_status="Status",
        field_status_since="In status since",
        field_scheme="Delivery scheme",
        field_carrier="Delivery service",
        field_tracking_number="Tracking number",
        field_ship_by="Ship by",
        field_buyer="Buyer",
        field_phone="Phone",
        field_address="Delivery address",
        items_table="Items",
        items_sku="SKU",
        items_quantity="Quantity",
        tracking_not_set="not set",
        edit_tracking="Set or change tracking number",
        chat_buyer="Write to buyer",
        close="Close",
        reason_ozon_assigns="The tracking number is assigned by Ozon's delivery service",
        reason_carrier_assigns="The tracking number is assigned by the integrated delivery service",
        reason_status="Status “{}” does not allow changing the tracking number",
        tracking_dialog="Posting tracking number",
        tracking_input="Tracking number",
        carrier_select="Delivery service",
        save="Save",
        cancel="Cancel",
        saved_toast="Tracking number saved",
        chat_log="Messages",
        chat_message="Message",
        chat_send="Send",
        chat_sent_toast="Message sent",
        chat_empty="No messages yet",
        chat_author_seller="You",
        chat_author_buyer="Buyer",
        chat_no_subscription="Chat with buyers needs the Premium Plus subscription",
        chat_window_closed="Chat closed: more than 72 hours since delivery",
        chat_cancelled="Chat is not available for cancelled postings",
        antibot_heading="Access restricted",
        antibot_text="Confirm that you are not a robot",
    ),
    "zh": Labels(
        login_phone="手机号",
        login_use_email="使用邮箱登录",
        login_email="电子邮箱",
        login_get_code="获取验证码",
        login_code_heading="输入验证码",
        login_code="验证码",
        login_submit="登录",
        login_wrong_code="验证码错误",
        login_new_code="重新获取验证码",
        company_heading="选择公司",
        company_next="下一步",
        search_box="按货件编号、买家或商品搜索",
        search_button="搜索",
        postings_table="货件",
        col_posting_number="货件编号",
        col_order_date="下单日期",
        col_status="状态",
        col_buyer="买家",
        col_carrier="物流服务商",
        col_tracking_number="跟踪号",
        loading="加载中…",
        nothing_found="未找到货件",
        next_page="下一页",
        tab_all="全部",
        tab_awaiting_packaging="等待备货",
        tab_awaiting_deliver="等待发运",
        tab_delivering="运输中",
        tab_delivered="已送达",
        tab_cancelled="已取消",
        drawer_name="货件 {}",
        drawer_not_found="未找到该货件",
        field_posting_number="货件编号",
        field_status="状态",
        field_status_since="进入该状态时间",
        field_scheme="配送方案",
        field_carrier="物流服务商",
        field_tracking_number="跟踪号",
        field_ship_by="发货截止",
        field_buyer="买家",
        field_phone="电话",
        field_address="收货地址",
        items_table="商品",
        items_sku="SKU",
        items_quantity="数量",
        tracking_not_set="未设置",
        edit_tracking="指定或更改追踪号",
        chat_buyer="联系买家",
        close="关闭",
        reason_ozon_assigns="跟踪号由 Ozon 物流指定",
        reason_carrier_assigns="跟踪号由集成物流服务商指定",
        reason_status="状态「{}」不允许更改跟踪号",
        tracking_dialog="货件跟踪号",
        tracking_input="跟踪号",
        carrier_select="物流服务商",
        save="保存",
        cancel="取消",
        saved_toast="跟踪号已保存",
        chat_log="消息",
        chat_message="消息内容",
        chat_send="发送",
        chat_sent_toast="消息已发送",
        chat_empty="暂无消息",
        chat_author_seller="我",
        chat_author_buyer="买家",
        chat_no_subscription="买家聊天需要 Premium Plus 订阅",
        chat_window_closed="聊天已关闭：已送达超过 72 小时",
        chat_cancelled="已取消的货件无法聊天",
        antibot_heading="访问受限",
        antibot_text="请确认您不是机器人",
    ),
}


def label_names() -> list[str]:
    """Names of every label, for drift reports and the label-table test."""
    return [f.name for f in fields(Labels)]
