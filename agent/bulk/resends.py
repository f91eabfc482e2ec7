"""Saves the browser itself sent more than once (Chromium's re-sends), noted on the postings they belong to.

Two views of one bulk run's saves, and neither is enough alone:

- Chromium's NetLog (:mod:`agent.core.browser.netlog`) sees every time a save went on the wire, re-sends included, but
  one browser serves every worker, so it cannot tell whose save it was; the save's URL may not name the posting
  (a portal may put it in the body), and the workers' postings overlap in time;
- each worker's browser context shows the save requests its page made (Playwright's request events): whose
  they were, without the re-sends (one ``fetch``, one event).

So each save of the NetLog is paired with a save a worker's page was seen sending: same method and URL, in the
order they were sent (or, when the two lists differ in length, the nearest in time), and its posting is the one
that worker had in hand. A save seen by a worker but missing from the NetLog means the log is incomplete (not
written, cut short, written where it could not be read): the run then says that its count is not known, instead
of staying silent; so it does when no NetLog was written at all (a remote browser, counting turned off).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from loguru import logger

from agent.core.browser.netlog import SentRequest
from agent.core.i18n import _, ngettext
from agent.core.journal.store import Journal


class _RequestEvents(Protocol):
    """What a worker's browser context offers here (Playwright's ``BrowserContext``)."""

    def on(self, event: Any, f: Callable[..., Any]) -> None: ...

    def remove_listener(self, event: Any, f: Callable[..., Any]) -> None: ...


@dataclass(frozen=True)
class SeenSave:
    """A save request a worker's page made, as Playwright saw it (once, whatever the browser did with it)."""

    seq: int
    method: str
    url: str
    at: float  # wall-clock seconds when the page sent it: the browser's own time when ``exact``, else about then
    exact: bool = False


#: How far apart a save's start as the browser tells it and its NetLog entry may be and still be one request: the
#: same browser's clocks, measured ~1 ms apart (the moment a request event reaches us lags by up to ~0.2 s).
EXACT_S = 0.05


def browser_start(request: Any) -> float | None:
    """When the browser started ``request``, by its own clock (the NetLog's), in epoch seconds; None when unknown.

    Playwright's ``Request.timing`` holds it once an answer came (a re-sent save whose re-send was answered too).
    """
    timing = getattr(request, "timing", None)
    start = timing.get("startTime", 0) if isinstance(timing, dict) else 0
    return float(start) / 1000 if isinstance(start, int | float) and start > 0 else None


@dataclass(frozen=True)
class _Span:
    started: float
    ended: float
    seq: int
    posting_number: str


def pair_saves(logged: list[SentRequest], seen: list[SeenSave]) -> tuple[list[tuple[SentRequest, SeenSave]],
                                                                        list[SentRequest], list[SeenSave]]:
    """Pair the NetLog's saves with the saves the workers saw: same method and URL, one to one.

    Within one method and URL, each seen save whose start the browser told (``exact``) takes the logged save nearest
    in time, when one is within :data:`EXACT_S`. The rest are in the order the browser sent them in both lists, so
    equal counts pair in order (the moment an event reached us only lags); otherwise each logged save takes the
    unpaired seen one nearest in time.

    Returns:
        The pairs, the logged saves no worker was seen sending, and the seen saves missing from the log.
    """
    logged_by: dict[tuple[str, str], list[SentRequest]] = defaultdict(list)
    seen_by: dict[tuple[str, str], list[SeenSave]] = defaultdict(list)
    for request in sorted(logged, key=lambda r: r.started):
        logged_by[(request.method, request.url)].append(request)
    for save in sorted(seen, key=lambda s: s.at):
        seen_by[(save.method, save.url)].append(save)
    pairs: list[tuple[SentRequest, SeenSave]] = []
    unseen: list[SentRequest] = []
    for key, requests in logged_by.items():
        candidates: list[SeenSave] = []
        for save in seen_by.pop(key, []):
            closest = min(requests, key=lambda r: abs(r.started - save.at), default=None)
            if save.exact and closest is not None and abs(closest.started - save.at) <= EXACT_S:
                requests.remove(closest)
                pairs.append((closest, save))
            else:
                candidates.append(save)
        if len(candidates) == len(requests):
            pairs += zip(requests, candidates, strict=True)
            continue
        for request in requests:
            if not candidates:
                unseen.append(request)
                continue
            nearest = min(candidates, key=lambda s: abs(s.at - request.started))
            candidates.remove(nearest)
            pairs.append((request, nearest))
        seen_by[key] = candidates
    unlogged = [save for saves in seen_by.values() for save in saves]
    return pairs, unseen, unlogged


class ResendCount:
    """Counts a bulk run's re-sent saves and writes each on its posting's row (journal, then results and report).

    Use :meth:`watching` around each posting a worker works on, then hand the NetLog's saves to :meth:`found`
    once the browser has closed (``None`` when no NetLog was written). :attr:`note` then says, once for the
    run, why its count is not known or not complete ("" when it is): the run's summary and its journal note say it,
    once (not the log too).
    """

    def __init__(self, journal: Journal, run_id: str, wanted: Callable[[str, str], bool], *,
                 remote: bool = False) -> None:
        self.journal = journal
        self.run_id = run_id
        self.wanted = wanted
        self.remote = remote
        self.note = ""
        #: Rows whose save the browser sent more than once, with how many times.
        self.resent: dict[int, int] = {}
        self._requests: list[tuple[int, Any, float]] = []  # (row, Playwright request, when its event came)
        self._spans: list[_Span] = []
        self._posting: dict[int, str] = {}

    @contextmanager
    def watching(self, seq: int, posting_number: str, context: _RequestEvents) -> Iterator[None]:
        """Note the saves ``context``'s pages send while row ``seq`` is in hand (one posting at a time a context)."""
        started = time.time()
        self._posting[seq] = posting_number

        def on_request(request: Any) -> None:
            if self.wanted(request.method, request.url):
                self._requests.append((seq, request, time.time()))

        context.on("request", on_request)
        try:
            yield
        finally:
            context.remove_listener("request", on_request)
            self._spans.append(_Span(started, time.time(), seq, posting_number))

    def owner(self, request: SentRequest) -> int | None:
        """The row of a logged save no worker was seen sending: the posting in hand its URL names, else the nearest
        posting in hand in time (None when nothing was in hand)."""
        def distance(span: _Span) -> float:
            if span.started <= request.started <= span.ended:
                return 0.0
            return min(abs(request.started - span.started), abs(request.started - span.ended))

        named = [s for s in self._spans
                 if s.posting_number and re.search(rf"(?<![\w-]){re.escape(s.posting_number)}(?![\w-])", request.url)]
        candidates = named or self._spans
        return min(candidates, key=distance).seq if candidates else None

    def found(self, logged: list[SentRequest] | None) -> None:
        """Write each save the browser sent more than once on its row; set :attr:`note` when the count is unsure.

        Args:
            logged: the saves of the run's NetLog, with their send counts; None when no NetLog was written.
        """
        if logged is None:
            if self._requests:
                self.note = (_("re-sent saves are not counted with a remote browser (OZON_RPA_BROWSER_ENDPOINT): a "
                               "save the browser sent twice is not noted on its row") if self.remote else
                             _("re-sent saves are not counted (OZON_RPA_COUNT_RESENDS=false): a save the browser "
                               "sent twice is not noted on its row"))
            return
        seen = [SeenSave(seq, request.method, request.url, start or at, start is not None)
                for seq, request, at in self._requests for start in (browser_start(request),)]
        pairs, unseen, unlogged = pair_saves(logged, seen)
        sends: dict[int, int] = defaultdict(int)
        for request, save in pairs:
            if request.sends > 1:
                sends[save.seq] += request.sends
        for request in unseen:
            seq = self.owner(request) if request.sends > 1 else None
            if seq is not None:
                sends[seq] += request.sends
        for seq, n in sorted(sends.items()):
            self.resent[seq] = n
            warning = _("the save was sent {n} times: the connection dropped and the browser re-sent it", n=n)
            self.journal.add_warning(self.run_id, seq, warning)
            logger.warning(_("run {run} row {row}: {warning}", run=self.run_id, row=seq, warning=warning))
        if unlogged:
            postings = list(dict.fromkeys(self._posting.get(save.seq, "") for save in unlogged))
            self.note = ngettext(
                "the browser's network log lacks {n} of {total} saves (postings {postings}): whether it was re-sent "
                "is not known", "the browser's network log lacks {n} of {total} saves (postings {postings}): "
                "whether they were re-sent is not known", len(unlogged), total=len(seen),
                postings=", ".join(postings[:10]) + (", ..." if len(postings) > 10 else ""))

    def summary(self) -> list[str]:
        """What the run's summary says of re-sent saves: how many postings got the warning, and :attr:`note`."""
        lines = [ngettext("the browser re-sent the save of {n} posting: see the warning on its row",
                          "the browser re-sent the saves of {n} postings: see the warning on their rows",
                          len(self.resent))] if self.resent else []
        return [*lines, self.note] if self.note else lines
