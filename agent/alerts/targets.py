"""Where alerts go: the Apprise URLs of ``OZON_RPA_ALERT_URLS``, each named by its service and host only.

An Apprise URL carries its service's token (``tgram://BOT_TOKEN/CHAT``, ``wecombot://KEY``, ``json://host/path``
with a secret path, ``mailto://user:password@host``): the whole URL is a secret. It stays in a ``SecretStr``,
every part of it that may be a token is given to the log redactor, and people only ever see the service's name
and, for a service that talks to a host of the user's choosing, that host (``JSON (hooks.example.com)``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from agent.core.i18n import _
from agent.core.redact import redact
from agent.core.settings import Settings

#: Path segments and query values this long may be tokens (shorter ones are words like ``hooks``).
_TOKEN_MIN_LEN = 6
#: The network time-outs of an Apprise service (seconds), as its URL's ``cto``/``rto`` set them.
TIMEOUTS = ("socket_connect_timeout", "socket_read_timeout")
#: Between two URLs: white space, or a comma before the next ``scheme://`` (a comma inside a URL, as in
#: ``mailto://...?to=a@x.com,b@x.com``, is not followed by one).
_BETWEEN_URLS = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


@dataclass
class AlertTarget:
    """One place alerts go: an Apprise service object, and how people see it."""

    label: str
    service: Any  # apprise's NotifyBase; its own class carries no type information
    #: The service's own network time-outs (connect, read), which each try cuts to the time it has left.
    timeouts: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.label


@dataclass
class AlertTargets:
    """The targets of the settings, and the URLs that could not be used (described without their secrets)."""

    targets: list[AlertTarget] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def configured(self) -> bool:
        """Whether any alert URL was given (usable or not)."""
        return bool(self.targets or self.problems)

    def describe(self) -> str:
        """The targets as people may see them: ``Telegram; JSON (127.0.0.1:8099)``."""
        return "; ".join(t.label for t in self.targets)


def asset() -> Any:
    """Apprise's settings for us: one service after the other, in the calling thread, without its own deadline.

    Apprise's own deadline runs services in a thread pool that the interpreter waits for at exit; the delivery
    thread (``agent.alerts.delivery``) keeps the time cap instead, and it is a daemon that never holds a command.
    """
    from apprise import AppriseAsset  # Apprise loads its ~150 services when used: only when alerts are set up

    return AppriseAsset(async_mode=False, service_timeout=0)


def alert_urls(settings: Settings) -> list[str]:
    """The URLs of ``OZON_RPA_ALERT_URLS`` (separated by spaces or commas), each registered for redaction.

    Cheap (no Apprise): commands call it first thing, so that no log line can show a token from then on.
    """
    raw = settings.alert_urls.get_secret_value() if settings.alert_urls is not None else ""
    urls = [u.strip() for u in _BETWEEN_URLS.split(raw) if u and u.strip(" ,")]
    for url in urls:
        for part in secret_parts(url):
            redact.add(part)
    return urls


def secret_parts(url: str) -> list[str]:
    """Every part of an alert URL that may be a secret: the URL, its user and password, a host that is no host
    name (a bot token), long path segments and query values."""
    parts = [url]
    try:
        split = urlsplit(url)
    except ValueError:
        return parts
    userinfo, _at, hostport = split.netloc.rpartition("@")
    user, _colon, password = userinfo.partition(":")
    parts += [password] + ([user] if len(user) >= _TOKEN_MIN_LEN else [])
    if "." not in hostport and hostport not in ("localhost",):
        parts += [p for p in hostport.split(":") if p]  # tgram://123456:ABC-token/...: the "host" is the token
    parts += [s for s in split.path.split("/") if len(s) >= _TOKEN_MIN_LEN]
    parts += [v for _k, v in parse_qsl(split.query) if len(v) >= _TOKEN_MIN_LEN]
    return parts


def label_of(service: Any) -> str:
    """A service as people may see it: its name, and its host when the user chose that host (never a token)."""
    name = str(getattr(service, "service_name", "") or type(service).__name__)
    host = getattr(service, "host", None)
    if host and "host" in getattr(service, "template_tokens", {}):
        port = getattr(service, "port", None)
        return f"{name} ({host}:{port})" if isinstance(port, int) else f"{name} ({host})"
    return name


def scheme_of(url: str) -> str:
    """The scheme of a URL (``tgram://…``), the only part of a bad URL that may be shown."""
    scheme, sep, _rest = url.partition("://")
    return f"{scheme}://…" if sep and scheme.isascii() and scheme.replace("+", "").isalnum() else "…"


def load_targets(settings: Settings) -> AlertTargets:
    """The alert targets of ``OZON_RPA_ALERT_URLS``; every secret part of each URL is registered for redaction."""
    found = AlertTargets()
    urls = alert_urls(settings)
    if not urls:
        return found
    from apprise import Apprise

    logging.getLogger("apprise").propagate = False  # its log lines are ours to word (and to keep token-free)
    for n, url in enumerate(urls, start=1):
        service = Apprise.instantiate(url, asset=asset())
        if service is None:
            found.problems.append(_("alert URL {n} ({scheme}) is not one Apprise can use; see "
                                    "https://github.com/caronc/apprise/wiki for the form of each service",
                                    n=n, scheme=scheme_of(url)))
            continue
        timeouts = {name: float(value) for name in TIMEOUTS
                    if isinstance(value := getattr(service, name, None), int | float)}
        found.targets.append(AlertTarget(label_of(service), service, timeouts))
    return found
