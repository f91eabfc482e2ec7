"""Chromium's NetLog: how many times the browser really sent a request.

Playwright's request events (and DevTools' ``Network`` domain) report one request per ``fetch``, even when
Chromium's network stack sent it more than once. When a request went out on a reused keep-alive connection
and that connection dies before any answer, Chromium re-sends it on a new connection by itself
("restart after error"), POSTs included; the portal may then have stored the save two or three times while
the page saw one request. Only the NetLog (``--log-net-log``) records every send: one
``HTTP_TRANSACTION_SEND_REQUEST`` per try, inside the ``URL_REQUEST`` of that fetch.

The file is JSON written as a stream: a first line with ``constants`` (event and source type ids, the clock
offset), then one event a line. It is read after the browser closed (complete), or while it runs (the last
line may be cut: it is skipped).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CAPTURE_MODE = "Default"  # no cookies, no bodies: URLs, methods and the transaction's steps


def netlog_args(path: Path) -> list[str]:
    """Chromium command-line switches that write the NetLog to ``path``."""
    return [f"--log-net-log={path}", f"--net-log-capture-mode={CAPTURE_MODE}"]


@dataclass(frozen=True)
class SentRequest:
    """One request the page made (one ``fetch``), and how many times the browser put it on the wire."""

    method: str
    url: str
    started: float  # wall-clock seconds (epoch) when the request started
    sends: int


def _constants(first_line: str) -> dict[str, Any]:
    data = json.loads(first_line.rstrip().rstrip(",") + "}")
    return dict(data["constants"])


def read_requests(path: Path, wanted: Callable[[str, str], bool]) -> list[SentRequest]:
    """The requests of a NetLog that ``wanted(method, url)`` selects, with their send counts, in start order.

    Args:
        path: the NetLog file (complete or still being written).
        wanted: which requests to report (e.g. the portal's tracking saves).

    Returns:
        One entry per request; ``sends`` > 1 means the browser re-sent it. An unreadable or empty file
        gives an empty list (the count is evidence, never a reason to fail a run).
    """
    try:
        handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed below
    except OSError:
        return []
    with handle:
        try:
            constants = _constants(handle.readline())
        except (ValueError, KeyError):
            return []
        types = constants.get("logEventTypes", {})
        start_job, send = types.get("URL_REQUEST_START_JOB"), types.get("HTTP_TRANSACTION_SEND_REQUEST")
        begin = constants.get("logEventPhase", {}).get("PHASE_BEGIN", 1)
        offset_ms = int(constants.get("timeTickOffset", 0))
        ends = (f'"type":{start_job}}}', f'"type":{send}}}')
        found: dict[int, list[Any]] = {}
        for line in handle:
            # The last event closes the list ("...}],"): without the "]" it ends like the others.
            line = line.strip().rstrip(",").removesuffix("]")
            if not line.endswith(ends):  # cheap filter: the type id is the last key of each event
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue  # the line being written
            if event.get("phase") != begin:
                continue
            source = int(event["source"]["id"])
            if event["type"] == start_job:
                params = event.get("params", {})
                method, url = str(params.get("method", "")), str(params.get("url", ""))
                if wanted(method, url):
                    found[source] = [method, url, (int(event["time"]) + offset_ms) / 1000, 0]
            elif source in found:
                found[source][3] += 1
    return sorted((SentRequest(m, u, t, n) for m, u, t, n in found.values()), key=lambda r: r.started)
