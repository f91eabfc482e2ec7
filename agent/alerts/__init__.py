"""Alerts where the seller already looks (Telegram, WeCom, DingTalk, Feishu, e-mail, webhooks), through Apprise.

``targets`` reads ``OZON_RPA_ALERT_URLS`` (secrets: only a service and host are ever shown); ``delivery`` sends
messages from a thread of its own, retried briefly under a hard time cap, so that an alert never fails or slows
a run; ``messages`` words what bulk runs and ``alert test`` say. Used by the top layer only (the watch, the bulk
command, ``doctor``, ``alert test``); it imports nothing of the agent but ``agent/core``.
"""
