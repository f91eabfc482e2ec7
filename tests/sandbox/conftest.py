"""A live sandbox for the HTTP-level tests: one server per session, reset through the oracle before each test."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fixtures.sandbox.config import SandboxConfig
from fixtures.sandbox.server import SandboxServer

LIST_PATH = "/app/postings/crossborder/fbs"
SELLER_PHONE = "+7 900 000-00-00"
# Building an SSL context costs ~50 ms per httpx.Client; the sandbox is plain HTTP, so build it once.
_SSL = ssl.create_default_context()


@pytest.fixture(scope="session")
def server() -> Iterator[SandboxServer]:
    """The sandbox, default seed and size, on a free port."""
    with SandboxServer(SandboxConfig()) as running:
        yield running


@pytest.fixture
def oracle(server: SandboxServer) -> Iterator[httpx.Client]:
    """A client for ``/_sandbox/``; the sandbox is reset before the test."""
    with httpx.Client(base_url=server.url, timeout=10, verify=_SSL) as client:
        client.post("/_sandbox/reset").raise_for_status()
        yield client


@pytest.fixture
def anon(server: SandboxServer, oracle: httpx.Client) -> Iterator[httpx.Client]:
    """A browser-like client with no session (does not follow redirects)."""
    with httpx.Client(base_url=server.url, timeout=10, verify=_SSL) as client:
        yield client


class Seller:
    """A signed-in client plus its CSRF token."""

    def __init__(self, client: httpx.Client, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def save(self, number: str, tracking_number: str, carrier: str = "china_post") -> httpx.Response:
        return self.client.post(f"/api/postings/{number}/tracking",
                                json={"tracking_number": tracking_number, "carrier": carrier},
                                headers={"X-CSRF-Token": self.csrf})

    def send(self, number: str, text: str) -> httpx.Response:
        return self.client.post(f"/api/chat/{number}/messages", json={"text": text},
                                headers={"X-CSRF-Token": self.csrf})

    def postings(self, **params: Any) -> dict[str, Any]:
        response = self.client.get("/api/postings", params=params)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data


def last_code(oracle: httpx.Client) -> str:
    """The last one-time code in the outbox."""
    code: str = oracle.get("/_sandbox/outbox").json()["messages"][-1]["code"]
    return code


def sign_in(client: httpx.Client, oracle: httpx.Client, **identity: str) -> httpx.Response:
    """Run the whole login (phone by default); returns the final code-step response (a 303 on success)."""
    started = client.post("/signin", data=identity or {"phone": SELLER_PHONE})
    assert started.status_code == 303, started.text[:300]
    return client.post("/signin/code", data={"code": last_code(oracle)})


def csrf_of(client: httpx.Client) -> str:
    """The CSRF token from the list page's meta tag."""
    page = client.get(LIST_PATH)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text)
    assert match, page.text[:500]
    return match.group(1)


@pytest.fixture
def seller(anon: httpx.Client, oracle: httpx.Client) -> Seller:
    """A signed-in seller."""
    assert sign_in(anon, oracle).status_code == 303
    return Seller(anon, csrf_of(anon))


def one_posting(oracle: httpx.Client, **filters: Any) -> dict[str, Any]:
    """The first posting that the oracle finds for ``filters``."""
    found = oracle.get("/_sandbox/postings", params={**filters, "limit": 1}).json()["postings"]
    assert found, f"no posting for {filters}"
    posting: dict[str, Any] = found[0]
    return posting


@pytest.fixture
def editable(oracle: httpx.Client) -> dict[str, Any]:
    """An editable posting."""
    return one_posting(oracle, editable="true")
