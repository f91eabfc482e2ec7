"""Fail fast and clearly, as a new user meets it: the real ``ozon-rpa`` process, no sandbox, no browser.

Every test runs the CLI as a separate process in an empty folder (no ``.env``), with a browser "spy":
``OZON_RPA_BROWSER_PATH`` points at a script that writes down that it was started. A check that lets a
browser start therefore fails the test, and the positive control below shows the spy does notice a start.
Portals are tiny local HTTP servers on 127.0.0.1 that count the requests they get; the DNS case uses the
reserved ``.invalid`` TLD (RFC 6761), which never resolves.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from agent.bulk.plan import Plan, PlanRow, save_plan
from agent.core.journal.store import Journal
from agent.core.records import ChangeRequest, ChangeResult, Outcome

pytestmark = pytest.mark.e2e

S10 = "RR473124829GB"
POSTING = "48173252-0033-2"
RAW_BROWSER_TEXT = ("Page.goto", "net::ERR", "Traceback", "playwright", "Playwright")


@dataclass
class Run:
    """One finished ``ozon-rpa`` process."""

    code: int
    output: str  # stdout and stderr, with line wrapping undone
    browser_started: bool


class Agent:
    """Runs ``ozon-rpa`` as a new user would: its own process, an empty working folder, a spy for a browser."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.marker = home / "browser-started"
        self.spy = home / "chromium-spy"
        self.spy.write_text(f"#!/bin/sh\necho \"$@\" >> '{self.marker}'\nexit 1\n", encoding="utf-8")
        self.spy.chmod(self.spy.stat().st_mode | stat.S_IXUSR)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OZON_RPA_")}
        self.env.update({"OZON_RPA_STATE_DIR": str(home / "state"), "OZON_RPA_BROWSER_PATH": str(self.spy),
                         "OZON_RPA_OTP_SOURCE": "sandbox", "OZON_RPA_TIMEOUT_MS": "5000", "COLUMNS": "400"})

    def __call__(self, *args: str, base_url: str, **env: str) -> Run:
        done = subprocess.run([sys.executable, "-m", "agent", *args], cwd=self.home, capture_output=True, text=True,
                              env={**self.env, "OZON_RPA_BASE_URL": base_url, **env}, timeout=120, check=False,
                              stdin=subprocess.DEVNULL)  # nobody at a terminal, as in a scheduled job
        output = re.sub(r"\s+", " ", done.stdout + done.stderr)
        return Run(done.returncode, output, self.marker.exists())


@pytest.fixture
def agent(tmp_path: Path) -> Agent:
    home = tmp_path / "user"
    home.mkdir()
    return Agent(home)


class Portal:
    """A local HTTP server: path -> (status, Location); counts every request it gets."""

    def __init__(self, routes: dict[str, tuple[int, str | None]]) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the standard library's name
                outer.requests.append(self.path)
                status, location = routes.get(self.path.split("?")[0], (200, None))
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal() -> Iterator[Callable[..., Portal]]:
    made: list[Portal] = []

    def make(routes: dict[str, tuple[int, str | None]] | None = None) -> Portal:
        made.append(Portal(routes or {"/app/postings/fbs": (303, "/signin")}))
        return made[-1]

    yield make
    for server in made:
        server.close()


@pytest.fixture
def nothing_listening() -> str:
    """A loopback URL where nothing listens (a port that was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def assert_no_raw_browser_text(run: Run) -> None:
    leaked = [text for text in RAW_BROWSER_TEXT if text in run.output]
    assert not leaked, f"raw library text {leaked} in: {run.output}"


# --- bad input: exit 2, named, before any browser or portal -----------------------------------


@pytest.mark.parametrize("command", [("bulk", "plan"), ("bulk", "apply", "--yes")], ids=["plan", "apply"])
def test_a_file_without_the_posting_column_should_exit_2_naming_it_without_a_browser_or_a_portal(
    agent: Agent, nothing_listening: str, command: tuple[str, ...]
) -> None:
    source = write(agent.home / "wrong-columns.csv", f"order,tracking_number\n{POSTING},{S10}\n")

    run = agent(*command[:2], str(source), *command[2:], base_url=nothing_listening)

    assert run.code == 2, run.output
    assert "wrong-columns.csv: no column for the posting number" in run.output
    assert "(found: 'order', 'tracking_number')" in run.output
    assert not run.browser_started
    assert_no_raw_browser_text(run)


def test_an_xlsx_that_is_a_text_file_should_exit_2_as_not_an_excel_workbook(
    agent: Agent, nothing_listening: str
) -> None:
    source = write(agent.home / "changes.xlsx", f"posting_number,tracking_number\n{POSTING},{S10}\n")

    run = agent("bulk", "plan", str(source), base_url=nothing_listening)

    assert run.code == 2, run.output
    assert "changes.xlsx: not an Excel workbook" in run.output and "rename it to .csv" in run.output
    assert not run.browser_started


def test_a_csv_that_is_a_workbook_should_exit_2_saying_so(agent: Agent, nothing_listening: str) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["posting_number", "tracking_number"])
    sheet.append([POSTING, S10])
    workbook.save(agent.home / "changes.csv")

    run = agent("bulk", "plan", str(agent.home / "changes.csv"), base_url=nothing_listening)

    assert run.code == 2, run.output
    assert "changes.csv: not a CSV text file" in run.output and "rename it to .xlsx" in run.output
    assert not run.browser_started


def test_demo_with_a_bad_file_should_exit_2_before_the_sandbox_or_a_browser_starts(
    agent: Agent, nothing_listening: str
) -> None:
    source = write(agent.home / "wrong-columns.csv", f"order,tracking_number\n{POSTING},{S10}\n")

    run = agent("demo", "--file", str(source), base_url=nothing_listening)

    assert run.code == 2, run.output
    assert "wrong-columns.csv: no column for the posting number" in run.output
    assert "sandbox back-office:" not in run.output and not run.browser_started


@pytest.mark.parametrize("command", [("change", POSTING, S10), ("login",)], ids=["change", "login"])
def test_a_sign_in_nobody_can_give_a_code_for_should_exit_2_before_a_browser(
    agent: Agent, portal: Callable[..., Portal], command: tuple[str, ...]
) -> None:
    server = portal()

    run = agent(*command, base_url=server.url, OZON_RPA_OTP_SOURCE="prompt")

    assert run.code == 2, run.output
    assert "no terminal to ask for the code" in run.output and "ozon-rpa login" in run.output
    assert server.requests == [] and not run.browser_started


def test_change_of_what_cannot_be_a_posting_should_be_refused_without_a_browser_or_a_portal_request(
    agent: Agent, portal: Callable[..., Portal]
) -> None:
    server = portal()

    run = agent("change", "123", S10, base_url=server.url)

    assert run.code == 2, run.output
    assert "'123' is not a posting number" in run.output and "like 48173252-0033-2" in run.output
    assert "--by-buyer" in run.output, "the message says how to find a posting without its number"
    assert "not found" not in run.output
    assert server.requests == [] and not run.browser_started


def test_change_with_the_arguments_swapped_should_say_the_posting_comes_first(
    agent: Agent, nothing_listening: str
) -> None:
    run = agent("change", S10, POSTING, base_url=nothing_listening)

    assert run.code == 2, run.output
    assert f"'{S10}' is not a posting number" in run.output and "the posting comes first" in run.output
    assert not run.browser_started


@pytest.mark.parametrize(("posting", "code", "expected"), [
    ("123", 2, "'123' is not a posting number"),
    (POSTING, 1, f"the journal has no change of {POSTING} to tell the buyer about"),
], ids=["not-a-posting", "nothing-to-tell"])
def test_notify_should_refuse_before_a_browser_when_there_is_nothing_to_send(
    agent: Agent, nothing_listening: str, posting: str, code: int, expected: str
) -> None:
    run = agent("notify", posting, base_url=nothing_listening)

    assert run.code == code, run.output
    assert expected in run.output
    assert not run.browser_started


def test_change_with_a_typo_in_the_number_should_be_rejected_and_recorded_without_a_portal(
    agent: Agent, nothing_listening: str
) -> None:
    run = agent("change", POSTING, "RR473124828GB", base_url=nothing_listening)

    assert run.code == 1, run.output
    assert "rejected" in run.output and "check digit" in run.output
    assert not run.browser_started
    journal = Journal(agent.home / "state" / "journal.sqlite")
    try:
        assert [i.outcome for i in journal.history(POSTING)] == [Outcome.REJECTED]
    finally:
        journal.close()


def test_change_to_a_number_already_on_another_posting_should_be_rejected_before_a_browser(
    agent: Agent, nothing_listening: str
) -> None:
    journal = Journal(agent.home / "state" / "journal.sqlite")
    run_record = journal.start_run("change")
    journal.add_items(run_record.id, [ChangeRequest(posting_number="48173252-0034-1", new_tracking=S10)])
    journal.finish_item(run_record.id, 0, ChangeResult(posting_number="48173252-0034-1", outcome=Outcome.CHANGED,
                                                       new_tracking=S10))
    journal.close()

    run = agent("change", POSTING, S10, base_url=nothing_listening)

    assert run.code == 1, run.output
    assert "already recorded on posting 48173252-0034-1" in run.output and "--allow-duplicate" in run.output
    assert not run.browser_started


@pytest.mark.parametrize("rule", ["OZON_RPA_REQUIRE_APPROVAL", "OZON_RPA_FOUR_EYES"], ids=["approval", "four-eyes"])
def test_bulk_apply_of_an_unapproved_plan_should_refuse_before_a_browser_starts(
    agent: Agent, portal: Callable[..., Portal], rule: str
) -> None:
    server = portal()
    plan = agent.home / "changes.plan.json"
    save_plan(Plan(created_by="anna", base_url=server.url,
                   rows=[PlanRow(posting_number=POSTING, new_tracking=S10)]).seal(), plan)

    run = agent("bulk", "apply", str(plan), base_url=server.url, **{rule: "true"})

    assert run.code == 2, run.output
    assert f"{rule} is on, so approvals are SSH signatures" in run.output
    assert "OZON_RPA_ALLOWED_SIGNERS is not set" in run.output  # the set-up first; signatures: test_bulk_approvals
    assert server.requests == [] and not run.browser_started


def test_bulk_apply_of_a_plan_read_too_long_ago_should_refuse_before_a_browser_starts(
    agent: Agent, nothing_listening: str
) -> None:
    plan = agent.home / "changes.plan.json"
    save_plan(Plan(created_by="anna", created_at="2020-01-01T00:00:00+00:00",
                   rows=[PlanRow(posting_number=POSTING, new_tracking=S10)]).seal(), plan)

    run = agent("bulk", "apply", str(plan), base_url=nothing_listening)

    assert run.code == 2, run.output
    assert "plan again" in run.output and "cannot reach the portal" not in run.output
    assert not run.browser_started


def test_bulk_apply_of_a_raw_file_under_required_approval_should_refuse_before_a_browser_starts(
    agent: Agent, nothing_listening: str
) -> None:
    source = write(agent.home / "changes.csv", f"posting_number,tracking_number\n{POSTING},{S10}\n")

    run = agent("bulk", "apply", str(source), "--yes", base_url=nothing_listening, OZON_RPA_REQUIRE_APPROVAL="1")

    assert run.code == 2, run.output
    assert "OZON_RPA_REQUIRE_APPROVAL is on, so a raw file cannot be applied" in run.output
    assert not run.browser_started


def test_bulk_apply_resume_of_an_unknown_run_should_exit_2_before_a_browser(
    agent: Agent, nothing_listening: str
) -> None:
    run = agent("bulk", "apply", "--resume", "bulk-nope", base_url=nothing_listening)

    assert run.code == 2, run.output
    assert "no run 'bulk-nope' in the journal" in run.output
    assert not run.browser_started


def test_a_base_url_whose_host_is_not_allowed_should_exit_2_without_asking_it(
    agent: Agent, portal: Callable[..., Portal]
) -> None:
    server = portal()

    run = agent("change", POSTING, S10, base_url=server.url, OZON_RPA_ALLOWED_HOSTS="seller.ozon.ru,id.ozon.ru")

    assert run.code == 2, run.output
    assert f"OZON_RPA_BASE_URL={server.url} points at '127.0.0.1', which is not an allowed host" in run.output
    assert "OZON_RPA_ALLOWED_HOSTS" in run.output
    assert server.requests == [] and not run.browser_started


# --- the portal: checked once, up front, exit 3 with what to do ------------------------------


PORTAL_COMMANDS = {
    "change": ("change", POSTING, S10),
    "login": ("login",),
    "bulk-plan": ("bulk", "plan", "{good}"),
    "bulk-apply": ("bulk", "apply", "{good}", "--yes"),
    "watch": ("watch", "--once"),
    "doctor": ("doctor", "--json"),
}


@pytest.mark.parametrize("command", list(PORTAL_COMMANDS.values()), ids=list(PORTAL_COMMANDS))
def test_no_portal_listening_should_exit_3_once_naming_the_url_and_what_to_do(
    agent: Agent, nothing_listening: str, command: tuple[str, ...]
) -> None:
    good = write(agent.home / "changes.csv", f"posting_number,tracking_number\n{POSTING},{S10}\n")

    run = agent(*(arg.format(good=good) for arg in command), base_url=nothing_listening)

    assert run.code == 3, run.output
    assert f"cannot reach the portal at {nothing_listening}/app/postings/fbs: nothing is listening" in run.output
    assert "ozon-rpa sandbox" in run.output and "OZON_RPA_BASE_URL" in run.output
    assert run.output.count("cannot reach the portal") == 1, "said once: no retries"
    assert not run.browser_started
    assert_no_raw_browser_text(run)


def test_a_redirect_to_an_unexpected_host_should_exit_3_naming_it(
    agent: Agent, portal: Callable[..., Portal]
) -> None:
    server = portal({"/app/postings/fbs": (302, "http://evil.example/")})

    run = agent("change", POSTING, S10, base_url=server.url)

    assert run.code == 3, run.output
    assert "redirects to http://evil.example/, and evil.example is not an allowed host" in run.output
    assert "OZON_RPA_ALLOWED_HOSTS" in run.output
    assert server.requests == ["/app/postings/fbs"], "asked once, and the other host never"
    assert not run.browser_started
    assert_no_raw_browser_text(run)


def test_a_host_name_that_does_not_resolve_should_exit_3_saying_so(agent: Agent) -> None:
    (agent.home / "state").mkdir()
    (agent.home / "state" / "storage-state.json").write_text("{}", encoding="utf-8")  # signed in before

    run = agent("change", POSTING, S10, base_url="http://seller.portal.invalid",
                OZON_RPA_ALLOWED_HOSTS="portal.invalid", OZON_RPA_OTP_SOURCE="prompt")

    assert run.code == 3, run.output
    assert "the host name 'seller.portal.invalid' does not resolve" in run.output
    assert not run.browser_started
    assert_no_raw_browser_text(run)


def test_a_tls_failure_should_exit_3_saying_so(agent: Agent, portal: Callable[..., Portal]) -> None:
    server = portal()
    https_url = server.url.replace("http://", "https://")

    run = agent("bulk", "plan", str(write(agent.home / "c.csv", f"posting_number,tracking_number\n{POSTING},{S10}\n")),
                base_url=https_url)

    assert run.code == 3, run.output
    assert f"cannot reach the portal at {https_url}/app/postings/fbs: the TLS (https) handshake" in run.output
    assert not run.browser_started
    assert_no_raw_browser_text(run)


def test_the_portal_check_can_be_turned_off_for_networks_only_a_browser_gets_through(
    agent: Agent, nothing_listening: str
) -> None:
    run = agent("change", POSTING, S10, base_url=nothing_listening, OZON_RPA_PORTAL_CHECK="false")

    assert "cannot reach the portal" not in run.output
    assert run.browser_started, run.output


@pytest.mark.parametrize("command", [("history",), ("stats",), ("bulk", "approve", "{plan}", "--by", "boris")],
                         ids=["history", "stats", "bulk-approve"])
def test_commands_that_need_no_portal_should_not_check_it(
    agent: Agent, nothing_listening: str, command: tuple[str, ...]
) -> None:
    plan = agent.home / "changes.plan.json"
    save_plan(Plan(created_by="anna", rows=[PlanRow(posting_number=POSTING, new_tracking=S10)]).seal(), plan)

    run = agent(*(arg.format(plan=plan) for arg in command), base_url=nothing_listening)

    assert run.code == 0, run.output
    assert "cannot reach the portal" not in run.output


def test_the_browser_spy_should_notice_a_browser_start_once_every_check_passes(
    agent: Agent, portal: Callable[..., Portal]
) -> None:
    """The positive control: without it, "no browser started" above could pass with a spy that never fires."""
    server = portal()

    run = agent("change", POSTING, S10, base_url=server.url)

    assert server.requests == ["/app/postings/fbs", "/signin"], "the first contact, once, before the browser"
    assert run.browser_started, run.output
    assert run.code != 0
