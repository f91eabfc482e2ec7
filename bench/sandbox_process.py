"""The sandbox as the benchmarks use it: its own process, and its oracle over plain HTTP.

Shared by ``bulk_bench.py`` and ``recorded_flow.py`` (neither imports the other).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def http(url: str, data: dict[str, object] | None = None) -> dict[str, object]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"},
                                     method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
        return dict(json.load(response))


#: The portal profile each sandbox front end needs (the inline skin words its title and some controls otherwise).
PROFILES = {"inline": REPO / "tests" / "profiles" / "inline.toml"}


def start_sandbox(latency_ms: int, postings: int, skin: str = "classic") -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "fixtures.sandbox", "--port", "0", "--postings", str(postings),
                             "--latency-ms", str(latency_ms), "--skin", skin], cwd=REPO, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()
    return proc, first.rsplit(" ", 1)[-1]
