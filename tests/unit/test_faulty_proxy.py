"""The transport-fault proxy itself, over real HTTP in front of the real sandbox (no browser)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from fixtures.faulty_proxy import Faults, FaultyProxy
from fixtures.sandbox.server import SandboxServer
from tests.conftest import Oracle

#: A save-like POST the sandbox answers without a session: the oracle's knob route stands in for a save.
KNOBS = r"/_sandbox/config$"


@pytest.fixture
def proxied(sandbox_server: SandboxServer, sandbox: Oracle) -> Iterator[tuple[FaultyProxy, httpx.Client]]:
    with FaultyProxy(sandbox_server.url, Faults(seed=3, save_path=KNOBS)) as proxy, \
            httpx.Client(base_url=proxy.url, timeout=10) as client:
        yield proxy, client


def test_the_proxy_should_forward_requests_on_one_kept_alive_connection(
    proxied: tuple[FaultyProxy, httpx.Client]
) -> None:
    proxy, client = proxied
    answers = [client.get("/_sandbox/config") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert proxy.stats.counts["GET /_sandbox/config"] == 3


def test_a_dropped_save_should_reach_the_portal_and_leave_the_client_without_an_answer(
    proxied: tuple[FaultyProxy, httpx.Client], sandbox: Oracle
) -> None:
    proxy, client = proxied
    proxy.configure(drop_save_rate=1.0)
    with pytest.raises(httpx.TransportError):
        client.post("/_sandbox/config", json={"latency_ms": 7})
    assert sandbox.http.get("/_sandbox/config").json()["latency_ms"] == 7, "stored although unanswered"
    assert proxy.stats.counts["save dropped after forwarding"] == 1


@pytest.mark.parametrize(("drop_with", "ending"), [("reset", "reset"), ("close", "end of stream")],
                         ids=["reset", "close"])
def test_a_dropped_connection_should_end_the_way_asked(sandbox_server: SandboxServer, sandbox: Oracle,
                                                       drop_with: str, ending: str) -> None:
    with FaultyProxy(sandbox_server.url, Faults(save_path=KNOBS, drop_save_rate=1.0, drop_with=drop_with)) as proxy, \
            socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as raw:
        body = b'{"latency_ms": 3}'
        raw.sendall(b"POST /_sandbox/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        try:
            seen = "end of stream" if raw.recv(1024) == b"" else "an answer"
        except ConnectionResetError:
            seen = "reset"
    assert seen == ending
    assert sandbox.http.get("/_sandbox/config").json()["latency_ms"] == 3, "stored although unanswered"


def test_a_dropped_read_should_not_reach_the_portal(
    proxied: tuple[FaultyProxy, httpx.Client], sandbox_server: SandboxServer
) -> None:
    proxy, client = proxied
    proxy.configure(drop_read_rate=1.0)
    with pytest.raises(httpx.TransportError):
        client.get("/api/postings")
    assert proxy.stats.counts["read dropped"] == 1
    stats = httpx.get(sandbox_server.url + "/_sandbox/stats").json()["routes"]
    assert "GET /api/postings" not in stats


def test_the_same_seed_should_drop_the_same_requests(sandbox_server: SandboxServer, sandbox: Oracle) -> None:
    def pattern(seed: int) -> list[bool]:
        with FaultyProxy(sandbox_server.url, Faults(seed=seed, drop_read_rate=0.5)) as proxy:
            dropped = []
            for _ in range(12):
                with httpx.Client(base_url=proxy.url, timeout=10) as client:
                    try:
                        client.get("/api/postings")
                        dropped.append(False)
                    except httpx.TransportError:
                        dropped.append(True)
            return dropped

    first = pattern(5)
    assert first == pattern(5) and any(first) and not all(first)


def test_the_proxy_should_only_front_a_sandbox_on_this_machine() -> None:
    with pytest.raises(ValueError, match="this machine"):
        FaultyProxy("http://seller.ozon.ru")
