"""The allow-list of hosts: the agent opens, and sends credentials to, no other host."""

from __future__ import annotations

from urllib.parse import urlsplit

from agent.core.errors import ConfigError
from agent.core.i18n import _
from agent.core.settings import Settings


def host_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``url``'s host is one of ``allowed`` or a sub-domain of one (``*.ozon.ru``)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return False
    if host.startswith("127."):
        host = "127.0.0.1"
    return any(host == a or host.endswith("." + a) for a in allowed)


def ensure_allowed(settings: Settings) -> None:
    """Refuse to start against a host that is not on the allow-list.

    Raises:
        ConfigError: the target host is not allowed, or the sandbox code source is asked of a remote host.
    """
    if not host_allowed(settings.base_url, settings.allowed_hosts):
        raise ConfigError(
            _("{host} is not an allowed host (OZON_RPA_ALLOWED_HOSTS={hosts})", host=repr(settings.host),
              hosts=",".join(settings.allowed_hosts))
        )
    if settings.otp_source == "sandbox" and not settings.is_loopback:
        raise ConfigError(
            _("OZON_RPA_OTP_SOURCE=sandbox reads the sandbox outbox and is refused for a non-loopback host "
              "({host}); use 'prompt' or 'ozon-rpa login --interactive'", host=settings.host)
        )
