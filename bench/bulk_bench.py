"""Benchmark of bulk changes against the sandbox: throughput, time per change, memory, and the floor.

Starts the sandbox in its own process (``--latency-ms 50`` by default), then for each worker count applies
``--changes`` verified changes with evidence screenshots on (``ozon-rpa bulk apply`` as a real process, after
a plan that is not timed) and prints:

- verified changes per minute (from the journal: first start to last finish of the run's postings);
- median seconds per change (each posting's start to finish, as one worker sees it);
- peak memory (PSS) of the agent's whole process tree: Python, the Playwright driver and every Chromium;
- the floor: the sandbox's own server time and the API calls one change needs (with the latency knob).

    .venv/bin/python bench/bulk_bench.py [--workers 1 2 4] [--changes 200] [--latency-ms 50] [--no-traces]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import urllib.request
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from agent.rules.tracking import s10_check_digit  # noqa: E402


def http(url: str, data: dict[str, object] | None = None) -> dict[str, object]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"},
                                     method="POST" if body is not None else "GET")
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback only
        return dict(json.load(response))


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, from /proc (Linux).

    PSS (proportional set size) rather than RSS: Chromium's many processes share most of their pages, and
    summing RSS would count those once per process.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        child = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(child)
        rss[child] = _pss_kb(child)
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[int, int, str]:
    """Run a command; return its exit code, peak tree RSS (kB) and output."""
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.25):
            peak = max(peak, tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    done.set()
    sampler.join()
    return proc.returncode, peak, output


def start_sandbox(latency_ms: int, postings: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "fixtures.sandbox", "--port", "0", "--postings", str(postings),
                             "--latency-ms", str(latency_ms)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()
    return proc, first.rsplit(" ", 1)[-1]


def seconds(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def bench_once(url: str, workers: int, changes: int, serial_base: int, traces: bool) -> dict[str, object]:
    http(f"{url}/_sandbox/reset", {})
    postings = http(f"{url}/_sandbox/postings?editable=true&limit={changes}")["postings"]
    assert isinstance(postings, list) and len(postings) >= changes, "not enough editable postings; raise --postings"
    work = Path(tempfile.mkdtemp(prefix="ozon-bench-"))
    source = work / "changes.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["posting_number", "tracking_number"])
        for i, posting in enumerate(postings[:changes]):
            serial = f"{serial_base + i:08d}"
            writer.writerow([posting["posting_number"], f"RR{serial}{s10_check_digit(serial)}CN"])
    env = {**os.environ, "OZON_RPA_BASE_URL": url, "OZON_RPA_STATE_DIR": str(work / "state"),
           "OZON_RPA_OTP_SOURCE": "sandbox", "OZON_RPA_TRACES": str(traces).lower()}
    plan = work / "changes.plan.json"
    subprocess.run([sys.executable, "-m", "agent", "bulk", "plan", str(source), "-o", str(plan), "--workers",
                    str(workers)], cwd=REPO, env=env, check=True, capture_output=True)
    http(f"{url}/_sandbox/reset", {})  # clean counters: the floor counts the apply only
    code, peak_kb, output = run_measured([sys.executable, "-m", "agent", "bulk", "apply", str(plan), "--workers",
                                          str(workers)], env)
    if code != 0:
        print(output[-3000:], file=sys.stderr)
    with sqlite3.connect(work / "state" / "journal.sqlite") as db:
        rows = db.execute("SELECT started_at, finished_at, outcome FROM items").fetchall()
    changed = [r for r in rows if r[2] == "changed"]
    span = seconds(min(r[0] for r in changed), max(r[1] for r in changed)) if changed else 0.0
    routes = dict(http(f"{url}/_sandbox/stats")["routes"])  # type: ignore[arg-type]
    api = {k: v for k, v in routes.items() if " /api/" in k or " /app/" in k}
    calls = sum(int(v["count"]) for v in api.values())
    server_ms = sum(int(v["count"]) * float(v["median_ms"]) for v in api.values())
    return {
        "workers": workers, "changed": len(changed), "of": changes, "exit": code,
        "per_minute": round(60 * len(changed) / span, 1) if span else 0.0,
        "median_s": round(statistics.median(seconds(r[0], r[1]) for r in changed), 2) if changed else 0.0,
        "peak_mb": round(peak_kb / 1024),
        "requests_per_change": round(calls / max(1, len(changed)), 1),
        "floor_s_per_change": round(server_ms / 1000 / max(1, len(changed)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--postings", type=int, default=800)
    parser.add_argument("--no-traces", action="store_true", help="do not record per-posting traces")
    args = parser.parse_args()
    sandbox, url = start_sandbox(args.latency_ms, args.postings)
    print(f"sandbox {url}, latency {args.latency_ms} ms, {args.changes} changes per run, "
          f"screenshots on, traces {'off' if args.no_traces else 'on (kept on failure)'}; {os.cpu_count()} cores")
    header = ("workers", "changed", "per_minute", "median_s", "peak_mb", "requests_per_change", "floor_s_per_change")
    print(" | ".join(header))
    try:
        for n, workers in enumerate(args.workers):
            figures = bench_once(url, workers, args.changes, 30_000_000 + n * 100_000, not args.no_traces)
            print(" | ".join(str(figures[h]) for h in header), flush=True)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)


if __name__ == "__main__":
    main()
