"""The read-back that asks the portal again the question its app asked about the posting (``fresh_answer``).

After a save, the agent sends the app's own ``GET`` about the posting again from inside the page and believes
the number only when the drawer shows it and the portal's fresh answer holds it in its tracking-number field
(the one that held the number the drawer showed when a posting was opened). Anything less is read the longer
ways (the drawer reopened, or the page loaded again). Runs on every front end in ``--skins``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Request, Route

from agent.core.records import PostingSnapshot
from agent.core.settings import Settings
from pages.tracking_editor import TrackingEditor
from scenarios.portal import Portal, ReadBackRoute
from tests.conftest import Oracle, run_in_thread
from tests.e2e.test_change import s10

pytestmark = pytest.mark.e2e


@dataclass
class ReadBack:
    """What one read-back after a real save read, and what the page sent while it read."""

    posting: PostingSnapshot
    same_drawer: bool
    drawer_stayed_open: bool
    route: ReadBackRoute
    #: Whether a question about the posting had been kept when it was opened.
    had_question: bool
    #: (method, resource type, URL) of each request sent during the read-back.
    sent: list[tuple[str, str, str]] = field(default_factory=list)


def posting_with_number(sandbox: Oracle, index: int, number: bool = True) -> dict[str, Any]:
    """The ``index``-th editable posting of the sandbox that has a tracking number (or has none)."""
    return [p for p in sandbox.postings(editable=True, limit=200) if bool(p["tracking_number"]) == number][index]


def save_then_read_back(agent_settings: Settings, number: str, new: str, during: str | None = None,
                        page_script: str | None = None, first: Callable[[Portal], Any] | None = None) -> ReadBack:
    """Open ``number``, save ``new`` through its dialog, then read it back with ``reread_posting``.

    ``during``: a JSON body, or an HTTP status as text, that the portal's first answer during the read-back is
    replaced with (the answers after it are the portal's own). ``page_script``: run in every page the agent
    loads, before the app. ``first``: done with the portal before the posting is opened.
    """
    from agent.runner import workbench
    from scenarios.find_posting import open_posting, reread_posting

    def run() -> ReadBack:
        with workbench(agent_settings) as bench:  # in a thread of its own, as the CLI runs it (no asyncio loop)
            portal: Portal = bench.portal
            page = portal.page
            if page_script is not None:
                page.add_init_script(page_script)
            if first is not None:
                first(portal)
            drawer, _ = open_posting(portal, number)
            had_question = portal.question is not None
            drawer.open_edit()
            dialog = TrackingEditor(drawer)
            dialog.fill(new)
            assert dialog.save(10_000).ok
            if during is not None:
                status, body = (int(during), "{}") if during.isdigit() else (200, during)
                page.route(lambda url: number in url and "/tracking" not in url,
                           lambda route: route.fulfill(status=status, body=body, content_type="application/json"),
                           times=1)
            sent: list[tuple[str, str, str]] = []

            def on_request(request: Request) -> None:
                sent.append((request.method, request.resource_type, request.url))

            page.on("request", on_request)
            again, posting = reread_posting(portal, drawer, new)
            page.remove_listener("request", on_request)
            return ReadBack(posting, again is drawer, drawer.root.is_visible(), portal.read_back, had_question, sent)

    return run_in_thread(run)


def test_read_back_should_ask_the_portal_again_and_read_the_drawer_as_it_stands(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    number = posting_with_number(sandbox, 1)["posting_number"]
    new = s10(13_000_101)

    read = save_then_read_back(agent_settings, number, new)

    assert read.posting.tracking_number == new
    assert sandbox.posting(number)["tracking_number"] == new
    # One question, the app's own GET about this posting; no reopened drawer, no page load.
    [(method, kind, url)] = read.sent
    assert (method, kind) == ("GET", "fetch") and number in url, read.sent
    assert read.same_drawer and read.drawer_stayed_open
    assert read.route == ReadBackRoute(in_app=True, ask_again=True, tracking_fields=(("tracking_number",),))


def test_read_back_should_reopen_the_drawer_while_the_portals_tracking_field_is_not_known(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # The posting had no number when it was opened: nothing showed which field of the portal's answer holds one,
    # so an answer cannot be read for it yet. The drawer is reopened, as before.
    number = posting_with_number(sandbox, 1, number=False)["posting_number"]
    new = s10(13_000_100)

    read = save_then_read_back(agent_settings, number, new)

    assert read.posting.tracking_number == new == sandbox.posting(number)["tracking_number"]
    assert not read.same_drawer, "read from the reopened drawer"
    assert read.route == ReadBackRoute(in_app=True, ask_again=True, tracking_fields=())


def test_read_back_should_believe_the_portals_answer_over_the_drawer_when_the_save_did_not_stick(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # The save is answered with success and the drawer shows the new number (the save's echo), but the portal
    # kept the old one: its fresh answer says so, and the read-back reads what the portal shows.
    posting = posting_with_number(sandbox, 2)
    number, new = posting["posting_number"], s10(13_000_102)
    sandbox.configure(save_mismatch_rate=1.0, save_mismatch="drop")

    read = save_then_read_back(agent_settings, number, new)

    assert read.posting.tracking_number == posting["tracking_number"] != new
    assert len(read.sent) > 1, "asked again, then read the longer way"
    assert read.sent[0][0] == "GET" and number in read.sent[0][2]
    assert read.route.ask_again, "a save that did not stick turns nothing off"


#: Answers to the question asked again that prove nothing, by kind: the posting they go with (its index), the
#: answer ("{n}": the posting's number, "{t}": the number just saved), and whether the agent can read such answers.
UNPROVEN = {
    "not-json": (3, "not json", False),
    "posting-named-twice": (4, json.dumps({"posting": {"posting_number": "{n}", "tracking_number": "{t}"},
                                           "previous": {"posting_number": "{n}", "tracking_number": "x"}}), False),
    "pending-elsewhere": (5, json.dumps({"posting": {"posting_number": "{n}", "tracking_number": "RA000000000RU",
                                                     "requested_tracking_number": "{t}"}}), True),
    "only-in-history": (6, json.dumps({"posting": {"posting_number": "{n}", "tracking_number": "",
                                                   "history": [{"tracking_number": "{t}"}]}}), True),
}


@pytest.mark.parametrize("kind", list(UNPROVEN))
def test_read_back_should_not_take_an_answer_without_the_number_in_its_field_for_proof(
    sandbox: Oracle, agent_settings: Settings, kind: str
) -> None:
    # The portal's answer to the question asked again does not show the number just saved in the posting's
    # tracking-number field. The read-back goes the longer way (the reopened drawer's fresh answer) and reads the
    # truth; answers of a kind the agent cannot read are not asked for again in the run.
    index, answer, readable = UNPROVEN[kind]
    number = posting_with_number(sandbox, index)["posting_number"]
    new = s10(13_000_100 + index)

    read = save_then_read_back(agent_settings, number, new, during=answer.replace("{n}", number).replace("{t}", new))

    assert read.posting.tracking_number == new == sandbox.posting(number)["tracking_number"]
    assert not read.same_drawer, "read from the reopened drawer"
    assert read.sent[0][0] == "GET" and number in read.sent[0][2], "asked again first"
    assert read.route.ask_again == readable


@pytest.mark.parametrize("status", [401, 403, 429])
def test_read_back_should_load_the_page_when_the_portal_refuses_the_question(
    sandbox: Oracle, agent_settings: Settings, status: int
) -> None:
    # A refusal (sign in, blocked, throttled) is for a page load to show and deal with; here the page load itself
    # goes through, so the posting is read from it.
    number = posting_with_number(sandbox, {401: 7, 403: 8, 429: 9}[status])["posting_number"]
    new = s10(13_000_110 + status % 100)

    read = save_then_read_back(agent_settings, number, new, during=str(status))

    assert read.posting.tracking_number == new
    documents = [url for _, kind, url in read.sent if kind == "document"]
    assert len(documents) == 1 and number in documents[0], read.sent
    assert read.route.ask_again and read.route.in_app


#: An app that keeps the save's answer (its echo of the new number) and answers later questions about the
#: posting with it, without asking the portal: a cache inside the page's ``fetch``, as front ends with
#: optimistic updates keep one. Gone with the page: a page load asks the portal.
KEEPS_THE_ECHO = """(() => {
  const network = window.fetch.bind(window);
  const kept = new Map();
  window.fetch = async (input, init = {}) => {
    const url = new URL(typeof input === "string" ? input : input.url, location.href).href;
    const method = (init.method || "GET").toUpperCase();
    if (method === "GET" && kept.has(url)) {
      return new Response(kept.get(url), {status: 200, headers: {"content-type": "application/json"}});
    }
    const answer = await network(input, init);
    if (method !== "GET" && answer.ok && url.endsWith("/tracking")) {
      kept.set(url.slice(0, -"/tracking".length), await answer.clone().text());
    }
    return answer;
  };
})();"""


def test_read_back_should_not_take_an_answer_the_page_gave_itself_for_the_portals(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # The save is answered with success but the portal kept the old number. The page's own fetch answers the
    # question asked again with the save's echo (the new number), and the drawer shows it too: only the network
    # can tell that the portal was not asked. The read-back must read what the portal kept.
    posting = posting_with_number(sandbox, 12)
    number, new = posting["posting_number"], s10(13_000_112)
    sandbox.configure(save_mismatch_rate=1.0, save_mismatch="drop")

    read = save_then_read_back(agent_settings, number, new, page_script=KEEPS_THE_ECHO)

    assert sandbox.posting(number)["tracking_number"] == posting["tracking_number"] != new
    assert read.posting.tracking_number == posting["tracking_number"], "the page's echo taken for the portal's"
    assert not read.route.ask_again, "a page that answers itself is not asked again in the run"


#: A service worker that answers every question about postings itself, from what it keeps.
CACHING_WORKER = """
self.addEventListener("install", event => self.skipWaiting());
self.addEventListener("activate", event => event.waitUntil(clients.claim()));
self.addEventListener("fetch", event => {
  if (event.request.url.includes("/api/postings/")) {
    const kept = JSON.stringify({kept: "by the worker"});
    event.respondWith(new Response(kept, {headers: {"content-type": "application/json"}}));
  }
});
"""

#: Register it, give it two seconds to take over the page, then ask about the posting as the app does.
REGISTER_AND_ASK = """async (url) => {
  await navigator.serviceWorker.register("/rpa-worker.js");
  const later = ms => new Promise(done => setTimeout(() => done("not ready"), ms));
  await Promise.race([navigator.serviceWorker.ready, later(2000)]);
  if (!navigator.serviceWorker.controller) {
    await Promise.race([new Promise(done => navigator.serviceWorker.oncontrollerchange = done), later(2000)]);
  }
  return await (await fetch(url)).text();
}"""


def test_the_agents_pages_should_let_no_service_worker_answer_for_the_portal(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # A service worker the portal's page registers could answer the app's questions (and the one the read-back
    # asks again) from its cache. The agent's browser contexts block service workers: the portal answers.
    from agent.runner import workbench

    number = posting_with_number(sandbox, 13)["posting_number"]

    def run() -> str:
        with workbench(agent_settings) as bench:
            page = bench.portal.page
            page.context.route("**/rpa-worker.js",
                               lambda route: route.fulfill(body=CACHING_WORKER, content_type="text/javascript"))
            page.goto(agent_settings.base_url)
            return str(page.evaluate(REGISTER_AND_ASK, f"/api/postings/{number}"))

    answer = run_in_thread(run)

    assert "by the worker" not in answer
    assert json.loads(answer)["posting"]["posting_number"] == number


def test_read_back_should_go_the_longer_way_for_a_posting_whose_question_was_not_seen(
    sandbox: Oracle, agent_settings: Settings
) -> None:
    # The app's answer about a posting is not labelled JSON (as a front end may answer), so no question about it is
    # kept: before the tracking field is learned, and after it was learned from another posting. Its read-back
    # reopens the drawer, and the shortcut stays on for the postings that have a question.
    from scenarios.find_posting import open_posting

    unlabelled = posting_with_number(sandbox, 14)["posting_number"]
    learned_from = posting_with_number(sandbox, 15)["posting_number"]
    new = s10(13_000_114)

    def unlabel(route: Route) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, headers={**answer.headers, "content-type": "text/plain"})

    def first(portal: Portal) -> None:
        portal.page.route(lambda url: "/api/postings" in url and unlabelled in url and "/tracking" not in url,
                          unlabel)
        open_posting(portal, unlabelled)  # nothing to learn from
        open_posting(portal, learned_from)  # learned here

    read = save_then_read_back(agent_settings, unlabelled, new, first=first)

    assert not read.had_question
    assert read.posting.tracking_number == new == sandbox.posting(unlabelled)["tracking_number"]
    assert not read.same_drawer, "read from the reopened drawer"
    assert read.route == ReadBackRoute(in_app=True, ask_again=True, tracking_fields=(("tracking_number",),))
