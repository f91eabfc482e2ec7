"""The first contact with the portal, checked once with a plain HTTP client before any browser starts.

A portal that cannot be reached is the most common first problem (the sandbox is not running, a typo in
``OZON_RPA_BASE_URL``, no network, a proxy or a captive portal that redirects elsewhere). A browser would
report it as Playwright's ``net::ERR_...`` text, after retries; this check says it once, in words, with
what to do, and the command exits 3 (nothing was touched; run it again once the portal answers).

What counts as reachable: *any* HTTP answer from an allowed host, after following redirects that stay on
allowed hosts. The portal's own answers are the browser's business: a redirect to its sign-in page (same
host or Ozon ID) is how it greets a client without cookies, and a 403 may be its anti-bot edge, which
the browser flow detects and hands to a person. Redirects are followed one by one, each target checked
against ``OZON_RPA_ALLOWED_HOSTS`` before it is asked anything.
"""

from __future__ import annotations

import socket
import ssl
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from agent.core.browser.hosts import host_allowed
from agent.core.errors import AbortRun
from agent.core.i18n import _, ngettext
from agent.core.settings import LOOPBACK_HOSTS, Settings

MAX_REDIRECTS = 10
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class PortalUnreachable(AbortRun):
    """The portal cannot be reached (or leads somewhere it should not): nothing was started. Exit 3.

    Attributes:
        url: the URL that failed.
        problem: what went wrong, in words.
        hint: what to do.
    """

    def __init__(self, url: str, problem: str, hint: str) -> None:
        self.url = url
        self.problem = problem
        self.hint = hint
        super().__init__(_("cannot reach the portal at {url}: {problem}.\nWhat to do: {hint}", url=url, problem=problem,
                           hint=hint))


@dataclass
class PortalAnswer:
    """How the portal answered the first contact.

    Attributes:
        url: the URL asked first.
        final_url: where the redirects (if any) ended.
        status: the HTTP status of the last answer.
        hops: every URL asked, in order.
    """

    url: str
    final_url: str
    status: int
    hops: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line for people: where the first contact ended."""
        if len(self.hops) > 1:
            return ngettext("{url} answers after {n} redirect to {final} (HTTP {status})",
                            "{url} answers after {n} redirects to {final} (HTTP {status})", len(self.hops) - 1,
                            url=self.url, final=self.final_url, status=self.status)
        return _("{url} answers (HTTP {status})", url=self.url, status=self.status)


def _what_to_do(settings: Settings) -> str:
    if settings.is_loopback:
        return _("start the sandbox back-office with `ozon-rpa sandbox` (in another terminal), or set "
                 "OZON_RPA_BASE_URL (or --base-url) to the portal you mean")
    return _("check the address in OZON_RPA_BASE_URL (or --base-url) and this machine's network; for the local "
            "sandbox, start `ozon-rpa sandbox` and set OZON_RPA_BASE_URL=http://127.0.0.1:8400. If a browser on "
            "this machine does open the portal, set OZON_RPA_PORTAL_CHECK=false to skip this check")


def _proxy_for(url: str) -> str | None:
    """The proxy a browser on this machine would use for ``url``, or None for a direct connection.

    ``urllib`` reads the same places as Chromium's defaults: the environment (HTTP(S)_PROXY, NO_PROXY), and
    the system settings on Windows and macOS. Loopback is never proxied (Chromium's implicit bypass rule).
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in LOOPBACK_HOSTS or host.startswith("127."):
        return None
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


def _causes(err: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (httpx wraps httpcore wraps the socket error)."""
    found: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _connect_problem(err: httpx.HTTPError, host_port: str, timeout_s: float) -> str:
    """The words for a failed request: refused, TLS, timeout, not HTTP, unreachable."""
    causes = _causes(err)
    tls = next((c for c in causes if isinstance(c, ssl.SSLError)), None)
    if tls is not None:
        reason = getattr(tls, "reason", None) or type(tls).__name__
        return _("the TLS (https) handshake with {host} failed ({reason}): the address may not speak https,"
                 " or its certificate is not trusted", host=host_port, reason=reason)
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return _("nothing is listening on {host} (connection refused)", host=host_port)
    if isinstance(err, httpx.ConnectTimeout):
        return _("{host} did not accept a connection within {seconds} s", host=host_port, seconds=f"{timeout_s:g}")
    if isinstance(err, httpx.TimeoutException):
        return _("{host} accepted the connection but did not answer within {seconds} s", host=host_port,
                 seconds=f"{timeout_s:g}")
    if isinstance(err, httpx.RemoteProtocolError):
        return _("something on {host} answered, but not with HTTP (a wrong port, or https vs http?)", host=host_port)
    errors = [c for c in causes if isinstance(c, OSError) and c.strerror]
    if errors:
        return _("cannot connect to {host}: {reason}", host=host_port, reason=errors[-1].strerror)
    return _("cannot connect to {host} ({reason})", host=host_port, reason=type(err).__name__)


def _resolve(url: str, host: str, port: int, hint: str) -> None:
    """Resolve the host name first, so that a DNS failure is named as one."""
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise PortalUnreachable(url, _("the host name {host} does not resolve (DNS: {reason})", host=repr(host),
                                       reason=reason), hint) from None


def _ask(url: str, cookies: httpx.Cookies, settings: Settings, hint: str) -> httpx.Response:
    """One GET, without following redirects, through the proxy this URL's host would use."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range or not a number
        port = 0
    if parts.scheme not in ("http", "https") or not parts.hostname or not port:
        raise PortalUnreachable(url, _("not a valid http:// or https:// address"), _(
            "set OZON_RPA_BASE_URL to the portal's address, e.g. https://seller.ozon.ru or http://127.0.0.1:8400"))
    proxy = _proxy_for(url)
    if proxy is None:
        _resolve(url, parts.hostname, port, hint)
    host_port = f"{parts.hostname}:{port}"
    if proxy:  # named by host and port only: a proxy URL may carry a user name and password
        via, default_port = urlsplit(proxy), _("default port")
        host_port += " " + _("(through the proxy {proxy})",
                             proxy=f"{via.hostname}:{via.port or default_port}")
    # A client per hop: the proxy may differ from host to host; cookies carry over (a portal may set one and
    # redirect, expecting it back).
    client = httpx.Client(follow_redirects=False, timeout=httpx.Timeout(settings.timeout_ms / 1000),
                          trust_env=False, proxy=proxy, cookies=cookies)
    try:
        response = client.get(url)
    except httpx.HTTPError as err:
        raise PortalUnreachable(url, _connect_problem(err, host_port, settings.timeout_ms / 1000), hint) from None
    finally:
        client.close()
    cookies.update(client.cookies)
    return response


def check_portal(settings: Settings) -> PortalAnswer:
    """Ask the portal's orders list once, without cookies, following redirects only within allowed hosts.

    No retries: a portal that does not answer now is reported now. Other hosts than loopback go through
    the proxy the system or the environment sets, as the browser's would.

    Args:
        settings: where the portal is and which hosts are allowed.

    Returns:
        Where the first contact ended.

    Raises:
        PortalUnreachable: DNS failure, nothing listening, TLS failure, timeout, an answer that is not
            HTTP, too many redirects, or a redirect to a host outside ``OZON_RPA_ALLOWED_HOSTS`` (or to
            something that is not a web address).
    """
    url = settings.base_url + settings.postings_path
    hint = _what_to_do(settings)
    hops: list[str] = []
    cookies = httpx.Cookies()
    current = url
    while True:
        if not host_allowed(current, settings.allowed_hosts):
            host = urlsplit(current).hostname or current
            problem = (_("it redirects to {url}, and {host} is not an allowed host", url=current, host=host) if hops
                       else _("{host} is not an allowed host", host=host))
            raise PortalUnreachable(
                hops[-1] if hops else url, problem,
                _("if {host} is really the portal's (or Ozon ID's) address, add it to OZON_RPA_ALLOWED_HOSTS; "
                  "otherwise check OZON_RPA_BASE_URL (a captive portal or a proxy may be redirecting you)", host=host))
        hops.append(current)
        response = _ask(current, cookies, settings, hint)
        location = response.headers.get("location")
        if response.status_code not in _REDIRECTS or not location:
            return PortalAnswer(url, current, response.status_code, hops)
        if len(hops) > MAX_REDIRECTS:
            raise PortalUnreachable(url, _("more than {n} redirects (the last to {url})", n=MAX_REDIRECTS,
                                           url=location),
                                    _("open the address in a browser to see where it leads; {hint}", hint=hint))
        current = urljoin(current, location)
