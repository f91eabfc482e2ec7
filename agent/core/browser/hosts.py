"""The allow-list of hosts: the agent opens, and sends credentials to, no other host."""

from __future__ import annotations

from urllib.parse import urlsplit

from agent.core.errors import ConfigError
from agent.core.i18n import _
from agent.core.settings import Settings

#: Ports that browsers refuse to open (the Fetch standard's "bad ports"; Chromium says ERR_UNSAFE_PORT), so a
#: portal there can answer a plain HTTP client and still never load in the browser.
BAD_PORTS = frozenset({
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
    110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531,
    532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060,
    5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080
})


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
