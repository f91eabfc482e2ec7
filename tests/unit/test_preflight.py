"""Checks before any browser: settings, posting numbers, change requests, plans, and the first portal contact.

The portal checks run against tiny local HTTP servers (127.0.0.1 only) and the reserved ``.invalid`` TLD.
"""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.bulk.approval import approve_with_key, sign_plan, write_approval
from agent.bulk.plan import Plan, PlanRow, load_plan, save_plan
from agent.bulk.ssh_signatures import SshKeygen
from agent.core.browser.portal_check import MAX_REDIRECTS, PortalUnreachable, check_portal
from agent.core.errors import BusinessRuleError, ConfigError, InputError
from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest, ChangeResult, Lookup, Outcome
from agent.core.settings import Settings
from agent.preflight import check_change, check_notify, check_plan, check_posting_number, check_raw_apply, check_setup
from tests.ssh_keys import make_person, write_allowed

S10 = "RR473124829GB"
P1 = "48173252-0033-2"


def settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(state_dir=tmp_path / "state", _env_file=None, **values)


# --- a tiny portal ----------------------------------------------------------------------------


class Portal:
    """A local HTTP server whose answers a test decides: path -> (status, location or None)."""

    def __init__(self, routes: dict[str, tuple[int, str | None]]) -> None:
        self.routes = routes
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                outer.requests.append(self.path)
                status, location = outer.routes.get(self.path.split("?")[0], (200, None))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal() -> Iterator[Callable[[dict[str, tuple[int, str | None]]], Portal]]:
    made: list[Portal] = []

    def make(routes: dict[str, tuple[int, str | None]]) -> Portal:
        made.append(Portal(routes))
        return made[-1]

    yield make
    for server in made:
        server.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the first contact ------------------------------------------------------------------------


def test_check_portal_should_accept_the_redirect_to_the_sign_in_page(tmp_path: Path, portal: Any) -> None:
    server = portal({"/app/postings/fbs": (303, "/signin?return=%2Fapp%2Fpostings%2Ffbs")})

    answer = check_portal(settings(tmp_path, base_url=server.url))

    assert answer.status == 200
    assert answer.final_url == f"{server.url}/signin?return=%2Fapp%2Fpostings%2Ffbs"
    assert server.requests == ["/app/postings/fbs", "/signin?return=%2Fapp%2Fpostings%2Ffbs"]


@pytest.mark.parametrize("status", [403, 404, 503], ids=["antibot-edge", "not-found", "unavailable"])
def test_check_portal_should_leave_any_http_answer_to_the_browser_flow(
    tmp_path: Path, portal: Any, status: int
) -> None:
    server = portal({"/app/postings/fbs": (status, None)})
    assert check_portal(settings(tmp_path, base_url=server.url)).status == status


def test_check_portal_should_follow_redirects_between_allowed_hosts(tmp_path: Path, portal: Any) -> None:
    second = portal({})
    first = portal({"/app/postings/fbs": (302, f"{second.url.replace('127.0.0.1', 'localhost')}/id/otp")})

    answer = check_portal(settings(tmp_path, base_url=first.url))

    assert answer.final_url.startswith("http://localhost:") and second.requests == ["/id/otp"]


def test_check_portal_should_refuse_a_redirect_to_a_host_that_is_not_allowed(tmp_path: Path, portal: Any) -> None:
    server = portal({"/app/postings/fbs": (302, "http://evil.example/login")})

    with pytest.raises(PortalUnreachable) as caught:
        check_portal(settings(tmp_path, base_url=server.url))

    assert "redirects to http://evil.example/login" in str(caught.value)
    assert "evil.example is not an allowed host" in str(caught.value)
    assert "OZON_RPA_ALLOWED_HOSTS" in caught.value.hint
    assert server.requests == ["/app/postings/fbs"], "the other host is never asked"


def test_check_portal_should_stop_a_redirect_loop(tmp_path: Path, portal: Any) -> None:
    server = portal({"/app/postings/fbs": (302, "/a"), "/a": (302, "/app/postings/fbs")})

    with pytest.raises(PortalUnreachable, match=f"more than {MAX_REDIRECTS} redirects"):
        check_portal(settings(tmp_path, base_url=server.url))


def test_check_portal_should_say_nothing_is_listening_and_what_to_do(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"

    with pytest.raises(PortalUnreachable) as caught:
        check_portal(settings(tmp_path, base_url=url))

    message = str(caught.value)
    assert message.startswith(f"cannot reach the portal at {url}/app/postings/fbs: nothing is listening")
    assert "ozon-rpa sandbox" in message and "OZON_RPA_BASE_URL" in message
    assert "Errno" not in message and "Traceback" not in message


def test_check_portal_should_name_a_dns_failure(tmp_path: Path) -> None:
    # RFC 6761: names under .invalid never resolve.
    with pytest.raises(PortalUnreachable, match=r"the host name 'portal\.invalid' does not resolve"):
        check_portal(settings(tmp_path, base_url="http://portal.invalid", allowed_hosts="portal.invalid"))


def test_check_portal_should_name_a_tls_failure(tmp_path: Path, portal: Any) -> None:
    server = portal({})
    url = server.url.replace("http://", "https://")

    with pytest.raises(PortalUnreachable, match=r"the TLS \(https\) handshake with 127\.0\.0\.1:\d+ failed"):
        check_portal(settings(tmp_path, base_url=url))


def test_check_portal_should_name_a_server_that_does_not_speak_http(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def answer_garbage() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(1024)
            conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    try:
        with pytest.raises(PortalUnreachable, match="answered, but not with HTTP"):
            check_portal(settings(tmp_path, base_url=f"http://127.0.0.1:{listener.getsockname()[1]}"))
    finally:
        thread.join(timeout=5)
        listener.close()


def test_check_portal_should_go_through_the_proxy_a_browser_would_use(
    tmp_path: Path, portal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = portal({})
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)

    answer = check_portal(settings(tmp_path, base_url="http://seller.ozon.ru"))

    assert answer.status == 200
    assert proxy.requests == ["http://seller.ozon.ru/app/postings/fbs"], "asked through the proxy, not directly"


def test_check_portal_should_not_show_the_proxy_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    port = closed_port()
    monkeypatch.setenv("HTTP_PROXY", f"http://anna:s3cret@127.0.0.1:{port}")

    with pytest.raises(PortalUnreachable) as caught:
        check_portal(settings(tmp_path, base_url="http://seller.ozon.ru"))

    assert f"through the proxy 127.0.0.1:{port}" in str(caught.value)
    assert "s3cret" not in str(caught.value) and "anna" not in str(caught.value)


def test_check_portal_should_refuse_a_redirect_to_an_address_with_a_bad_port(tmp_path: Path, portal: Any) -> None:
    server = portal({"/app/postings/fbs": (302, "http://127.0.0.1:99999/")})

    with pytest.raises(PortalUnreachable, match="not a valid http:// or https:// address"):
        check_portal(settings(tmp_path, base_url=server.url))


def test_check_portal_should_never_send_loopback_through_a_proxy(
    tmp_path: Path, portal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = portal({})
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)

    assert check_portal(settings(tmp_path, base_url=server.url)).status == 200
    assert server.requests == ["/app/postings/fbs"]


# --- settings ---------------------------------------------------------------------------------


# code_needed=False: a person signs in in the window, so each test meets its own problem alone (without a terminal
# a saved sign-in would be missing too, and both would be reported: tests/e2e/test_all_problems.py)
def test_check_setup_should_refuse_a_base_url_whose_host_is_not_allowed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"OZON_RPA_BASE_URL=https://seller\.example\.com points at "
                                          r"'seller\.example\.com', which is not an allowed host"):
        check_setup(settings(tmp_path, base_url="https://seller.example.com"), code_needed=False)


def test_check_setup_should_refuse_a_base_url_that_is_no_web_address(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not an http:// or https:// address"):
        check_setup(settings(tmp_path, base_url="127.0.0.1:8400"), code_needed=False)


@pytest.mark.parametrize("port", [6000, 10080, 9], ids=["x11", "amanda", "discard"])
def test_check_setup_should_refuse_a_port_that_browsers_refuse_to_open(tmp_path: Path, port: int) -> None:
    with pytest.raises(ConfigError, match=f"uses port {port}, which browsers refuse to open"):
        check_setup(settings(tmp_path, base_url=f"http://127.0.0.1:{port}"), code_needed=False)
    check_setup(settings(tmp_path, base_url="http://127.0.0.1:8400", otp_source="sandbox"))


def test_check_setup_should_refuse_a_state_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    config = Settings(state_dir=tmp_path / "a-file" / "state", _env_file=None)

    with pytest.raises(ConfigError, match=r"OZON_RPA_STATE_DIR .*: cannot create .*a-file/state: Not a directory"):
        check_setup(config, code_needed=False)  # the folder alone (no sign-in problem beside it)


def test_check_setup_should_refuse_a_sign_in_nobody_can_give_a_code_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    config = settings(tmp_path, otp_source="prompt")

    with pytest.raises(ConfigError, match=r"\(there is no saved sign-in .*\) and there is no terminal to ask"):
        check_setup(config)
    check_setup(config, code_needed=False)  # login --interactive: the person types it in the browser
    check_setup(settings(tmp_path, otp_source="sandbox"))  # the sandbox's outbox gives it
    config.storage_state_path.write_text("{}", encoding="utf-8")
    check_setup(config)  # signed in before
    with pytest.raises(ConfigError, match="no terminal to ask for the code"):
        check_setup(config, code_needed=True)  # login: always a fresh sign-in


def test_check_setup_should_refuse_the_sandbox_code_source_for_a_remote_portal(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="OZON_RPA_OTP_SOURCE=sandbox"):
        check_setup(settings(tmp_path, base_url="https://seller.ozon.ru", otp_source="sandbox"))


# --- posting numbers and change requests ------------------------------------------------------


@pytest.mark.parametrize(("given", "expected"), [
    (P1, P1), ("0132112277-0102-1", "0132112277-0102-1"), (" 48173252\u20130033\u20132 ", P1),
    ("４８１７３２５２-００３３-２", P1),
], ids=["plain", "ten-digit-order", "en-dashes-and-spaces", "full-width"])
def test_check_posting_number_should_accept_and_normalise_posting_numbers(given: str, expected: str) -> None:
    assert check_posting_number(given) == expected


@pytest.mark.parametrize(("given", "expected"), [
    ("123", r"'123' is not a posting number: .*like 48173252-0033-2.*--by-buyer"),
    ("48173252-33-2", r"not a posting number"),
    ("48173252", r"not a posting number"),
    (S10, r"looks like a tracking number: the posting comes first"),
    ("", r"the posting number is empty"),
], ids=["short", "short-shipment-part", "order-only", "swapped-arguments", "empty"])
def test_check_posting_number_should_refuse_what_cannot_be_a_posting(given: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected):
        check_posting_number(given)


def test_check_change_should_refuse_a_bad_posting_number_but_not_a_search(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'123' is not a posting number"):
        check_change(settings(tmp_path), ChangeRequest(posting_number="123", new_tracking=S10))
    by_buyer = ChangeRequest(lookup=Lookup.BUYER, query="Иванов", new_tracking=S10.lower())
    checked = check_change(settings(tmp_path), by_buyer)
    assert (checked.rejection, checked.request.new_tracking) == ("", S10)


def test_check_change_should_reject_a_typo_in_the_new_number(tmp_path: Path) -> None:
    checked = check_change(settings(tmp_path), ChangeRequest(posting_number=P1, new_tracking="RR473124828GB"))
    assert "check digit" in checked.rejection


def test_check_change_should_reject_a_number_the_journal_has_on_another_posting(tmp_path: Path) -> None:
    config = settings(tmp_path)
    journal = Journal(config.journal_path)
    run = journal.start_run("change")
    journal.add_items(run.id, [ChangeRequest(posting_number="48173252-0034-1", new_tracking=S10)])
    journal.finish_item(run.id, 0, ChangeResult(posting_number="48173252-0034-1", outcome=Outcome.CHANGED,
                                                new_tracking=S10))
    journal.close()

    checked = check_change(config, ChangeRequest(posting_number=P1, new_tracking=S10))
    allowed = check_change(config, ChangeRequest(posting_number=P1, new_tracking=S10, allow_duplicate=True))

    assert checked.rejection.startswith(f"{S10} is already recorded on posting 48173252-0034-1")
    assert allowed.rejection == ""


def test_check_notify_should_refuse_a_posting_without_a_recorded_change(tmp_path: Path) -> None:
    with pytest.raises(BusinessRuleError, match=f"the journal has no change of {P1}"):
        check_notify(settings(tmp_path), P1)
    with pytest.raises(InputError, match="not a posting number"):
        check_notify(settings(tmp_path), "123")


# --- plans and raw files ----------------------------------------------------------------------


def test_check_plan_should_refuse_an_unapproved_plan_when_approval_is_required(tmp_path: Path) -> None:
    anna, boris = make_person(tmp_path, "anna"), make_person(tmp_path, "boris")
    allowed = write_allowed(tmp_path / "allowed_signers", anna.line(), boris.line())
    strict = settings(tmp_path, require_approval=True, allowed_signers=allowed)
    path = tmp_path / "c.plan.json"
    plan = Plan(created_by="anna", rows=[PlanRow(posting_number=P1, new_tracking=S10)]).seal()
    save_plan(plan, path)

    assert check_plan(settings(tmp_path), path).rows[0].posting_number == P1
    with pytest.raises(InputError, match="the plan carries no signature of its planner"):
        check_plan(strict, path)
    sign_plan(plan, SshKeygen(interactive=False), anna.key)
    save_plan(plan, path)
    with pytest.raises(InputError, match=r"the plan is not approved .* no approval file .*c\.plan\.json\.approval"):
        check_plan(strict, path)
    made = approve_with_key(load_plan(path), SshKeygen(interactive=False), boris.key)
    write_approval(made.signed, tmp_path / "from-boris.approval")  # renamed on the way back: named with --approval
    assert check_plan(strict, path, tmp_path / "from-boris.approval").content_hash == plan.content_hash


def test_check_raw_apply_should_refuse_a_raw_file_when_approval_is_required(tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text(f"posting_number,tracking_number\n{P1},{S10}\n", encoding="utf-8")

    with pytest.raises(InputError, match="c.csv: OZON_RPA_REQUIRE_APPROVAL is on, so a raw file cannot be applied"):
        check_raw_apply(settings(tmp_path, require_approval=True), source, yes=True)
    assert check_raw_apply(settings(tmp_path), source, yes=True).rows[0].tracking_number == S10
