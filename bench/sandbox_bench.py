"""Benchmark of the sandbox back-office itself: server time of a 50-row list page and of a save, and memory.

Starts the sandbox in its own process at zero latency, signs in over HTTP, requests list pages and saves
(``--requests`` of each), then prints the server-side times from ``/_sandbox/stats`` (median, p95) and the
server process's memory (RSS and PSS).

    .venv/bin/python bench/sandbox_bench.py [--requests 300] [--postings 300]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def memory_kb(pid: int) -> tuple[int, int]:
    """RSS and PSS of one process (Linux)."""
    rss = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))  # type: ignore[union-attr]
    pss = int(re.search(r"Pss:\s+(\d+)", Path(f"/proc/{pid}/smaps_rollup").read_text()).group(1))  # type: ignore[union-attr]
    return rss, pss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postings", type=int, default=300)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "fixtures.sandbox", "--port", "0", "--postings",
                               str(args.postings)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    url = server.stdout.readline().strip().rsplit(" ", 1)[-1]
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            client.post("/signin", data={"phone": "+7 900 000-00-00"})
            code = client.get("/_sandbox/outbox").json()["messages"][-1]["code"]
            client.post("/signin/code", data={"code": code})
            page = client.get("/app/postings/fbs").text
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            editable = client.get("/_sandbox/postings", params={"editable": "true", "limit": 1}).json()["postings"]
            number = editable[0]["posting_number"]
            pages = max(1, args.postings // 50)
            for i in range(args.requests):
                client.get("/api/postings", params={"tab": "all", "page": i % pages + 1}).raise_for_status()
                client.post(f"/api/postings/{number}/tracking", headers={"X-CSRF-Token": token},
                            json={"tracking_number": f"RR{i:09d}CN", "carrier": "china_post"}).raise_for_status()
            routes = client.get("/_sandbox/stats").json()["routes"]
        rss, pss = memory_kb(server.pid)
        print(f"sandbox {url}: {args.postings} postings, {args.requests} list pages (50 rows) and saves, latency 0")
        for route in ("GET /api/postings", "POST /api/postings/{number}/tracking"):
            figures = routes[route]
            print(f"{route:40s} median {figures['median_ms']:.2f} ms  p95 {figures['p95_ms']:.2f} ms  "
                  f"(n={figures['count']})")
        print(f"server memory: RSS {rss / 1024:.0f} MB, PSS {pss / 1024:.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
