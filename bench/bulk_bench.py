"""Benchmark of bulk changes as a user waits for them: the wall clock of ``bulk apply FILE --yes``.

Starts the sandbox in its own process (``--latency-ms 50`` by default), then for each worker count runs
``ozon-rpa bulk apply changes.csv --yes --workers N`` as a real process on ``--changes`` editable postings
(evidence screenshots on, every change read back from the portal) and prints:

- verified changes a minute of **wall clock**, from the command's start to its exit (plan, browsers, the check
  of the saved sign-in, apply, results and report: everything the user waits for). As on a user's machine, the
  run reuses a saved sign-in: ``ozon-rpa login`` runs first, untimed, as the baseline's state is saved first;
- the breakdown by phase: before the first change starts (interpreter, checks, sign-in check, plan, browsers), the
  changes, after the last one (results, report, closing), and the median of each step of one change;
- peak memory (PSS) of the agent's whole process tree: Python, the Playwright driver(s) and every Chromium;
- the CPU seconds that tree spent per change (steadier than the wall clock on a shared machine);
- the floor: the sandbox's own server time and the requests one change needs;
- the baseline: ``bench/recorded_flow.py`` (a codegen-style script, no safety net) on the same sandbox, same
  count, and our rate as a multiple of it.

    .venv/bin/python bench/bulk_bench.py [--workers 1 4] [--changes 60] [--latency-ms 50] [--no-baseline]
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
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from agent.rules.tracking import s10_check_digit  # noqa: E402
from bench.sandbox_process import PROFILES, http, start_sandbox  # noqa: E402


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    except (OSError, ValueError, IndexError):
        return 0.0


def tree_usage(pid: int) -> tuple[int, dict[int, float]]:
    """Memory (PSS, kB) of a process and all its descendants, and each one's CPU seconds so far (Linux /proc).

    PSS (proportional set size) rather than RSS: Chromium's many processes share most of their pages, and
    summing RSS would count those once per process.
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        children.setdefault(int(fields.get("PPid", "0").strip()), []).append(int(entry.name))
    total, cpu, todo = 0, {}, [pid]
    while todo:
        current = todo.pop()
        total += _pss_kb(current)
        cpu[current] = _cpu_s(current)
        todo.extend(children.get(current, []))
    return total, cpu


def run_measured(cmd: list[str], env: dict[str, str]) -> tuple[int, int, str, float]:
    """Run a command; return its exit code, peak tree PSS (kB), output and the CPU seconds of its whole tree.

    The CPU figure sums each process's last sample (every 0.25 s), so it misses only what a process spent in
    its last quarter second. It varies much less than the wall clock on a shared machine, so it shows whether a
    change made the work lighter.
    """
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = 0
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.25):
            memory, seen = tree_usage(proc.pid)
            peak = max(peak, memory)
            for child, seconds in seen.items():
                cpu[child] = max(cpu.get(child, 0.0), seconds)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = proc.communicate()
    done.set()
    sampler.join()
    return proc.returncode, peak, output, sum(cpu.values())


def seconds(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds()


def write_changes(url: str, changes: int, serial_base: int, folder: Path) -> Path:
    """A CSV of ``changes`` editable postings of the sandbox, each with a new valid S10 number."""
    http(f"{url}/_sandbox/reset", {})
    postings = http(f"{url}/_sandbox/postings?editable=true&limit={changes}")["postings"]
    assert isinstance(postings, list) and len(postings) >= changes, "not enough editable postings; raise --postings"
    source = folder / "changes.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["posting_number", "tracking_number"])
        for i, posting in enumerate(postings[:changes]):
            serial = f"{serial_base + i:08d}"
            writer.writerow([posting["posting_number"], f"RR{serial}{s10_check_digit(serial)}CN"])
    return source


def step_medians(path: Path) -> dict[str, tuple[int, float]]:
    """Each step's count and median seconds, from the agent's step-times file."""
    spans: dict[str, list[float]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            spans.setdefault(entry["step"], []).append(float(entry["s"]))
    return {name: (len(values), round(statistics.median(values), 3)) for name, values in spans.items()}


def bench_once(url: str, workers: int, changes: int, serial_base: int, traces: bool,
               skin: str = "classic") -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="ozon-bench-"))
    source = write_changes(url, changes, serial_base, work)
    times = work / "steps.jsonl"
    env = {**os.environ, "OZON_RPA_BASE_URL": url, "OZON_RPA_STATE_DIR": str(work / "state"),
           "OZON_RPA_OTP_SOURCE": "sandbox", "OZON_RPA_TRACES": str(traces).lower(),
           "OZON_RPA_STEP_TIMES": str(times)}
    if skin in PROFILES:
        env["OZON_RPA_PORTAL_PROFILE"] = str(PROFILES[skin])
    # Sign-in reuse, as a user's runs have it: the session is saved beforehand (``ozon-rpa login``), untimed, as
    # the baseline's is (codegen's ``--save-storage``). The timed run then checks it and goes on.
    login = subprocess.run([sys.executable, "-m", "agent", "login"], env=env, capture_output=True, text=True,
                           check=False)
    if login.returncode != 0:
        raise SystemExit(f"ozon-rpa login failed before the timed run:\n{login.stdout[-2000:]}{login.stderr[-2000:]}")
    times.unlink(missing_ok=True)  # the login's own steps are not the run's
    http(f"{url}/_sandbox/reset", {})  # clean counters: the floor counts this command only (sessions stay valid)
    started = time.time()
    code, peak_kb, output, cpu_s = run_measured([sys.executable, "-m", "agent", "bulk", "apply", str(source), "--yes",
                                          "--workers", str(workers)], env)
    wall = time.time() - started
    if code != 0:
        print(output[-3000:], file=sys.stderr)
    with sqlite3.connect(work / "state" / "journal.sqlite") as db:
        rows = db.execute("SELECT started_at, finished_at, outcome FROM items WHERE started_at IS NOT NULL").fetchall()
    changed = [r for r in rows if r[2] == "changed"]
    first = min((datetime.fromisoformat(r[0]).timestamp() for r in rows), default=started)
    last = max((datetime.fromisoformat(r[1]).timestamp() for r in rows if r[1]), default=started)
    routes = dict(http(f"{url}/_sandbox/stats")["routes"])  # type: ignore[arg-type]
    api = {k: v for k, v in routes.items() if " /api/" in k or " /app/" in k}
    calls = sum(int(v["count"]) for v in api.values())
    server_ms = sum(int(v["count"]) * float(v["median_ms"]) for v in api.values())
    return {
        "workers": workers, "changed": len(changed), "of": changes, "exit": code, "wall_s": round(wall, 1),
        "per_minute": round(60 * len(changed) / wall, 1),
        "before_first_s": round(first - started, 1), "changes_s": round(last - first, 1),
        "after_last_s": round(started + wall - last, 1),
        "median_change_s": round(statistics.median(seconds(r[0], r[1]) for r in changed), 2) if changed else 0.0,
        "peak_mb": round(peak_kb / 1024), "mb_per_worker": round(peak_kb / 1024 / workers),
        "cpu_s_per_change": round(cpu_s / max(1, len(changed)), 3),
        "requests_per_change": round(calls / max(1, len(changed)), 1),
        "floor_s_per_change": round(server_ms / 1000 / max(1, len(changed)), 3),
        "steps": step_medians(times),
    }


HEADER = ("workers", "changed", "exit", "wall_s", "per_minute", "before_first_s", "changes_s", "after_last_s",
          "median_change_s", "peak_mb", "mb_per_worker", "cpu_s_per_change", "requests_per_change",
          "floor_s_per_change")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--postings", type=int, default=800)
    parser.add_argument("--no-traces", action="store_true", help="do not record per-posting traces")
    parser.add_argument("--no-baseline", action="store_true", help="skip the recorded-flow baseline")
    parser.add_argument("--skin", default="classic", choices=("classic", "modern", "inline"),
                        help="the sandbox's front end (the baseline, a recorded script, needs classic)")
    args = parser.parse_args()
    sandbox, url = start_sandbox(args.latency_ms, args.postings, args.skin)
    print(f"{datetime.now().isoformat(timespec='minutes')}: sandbox {url}, latency {args.latency_ms} ms, "
          f"{args.changes} rows per run, screenshots on, traces {'off' if args.no_traces else 'on (kept on failure)'}"
          f"; front end {args.skin}; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    try:
        baseline = 0.0
        if not args.no_baseline and args.skin == "classic":
            from bench.recorded_flow import run as recorded_flow

            figures = recorded_flow(url, args.changes, False, 50_000_000)
            baseline = float(figures["per_minute"])  # type: ignore[arg-type]
            print(f"baseline (recorded flow, 1 browser, no read-back): {baseline}/min, {figures['wall_s']} s")
        print(" | ".join(HEADER) + (" | x_baseline" if baseline else ""))
        steps: dict[int, object] = {}
        for n, workers in enumerate(args.workers):
            figures = bench_once(url, workers, args.changes, 30_000_000 + n * 100_000, not args.no_traces, args.skin)
            ratio = f" | {figures['per_minute'] / baseline:.2f}" if baseline else ""  # type: ignore[operator]
            print(" | ".join(str(figures[h]) for h in HEADER) + ratio, flush=True)
            steps[workers] = figures["steps"]
        for workers, medians in steps.items():
            print(f"steps at {workers} worker(s) (count, median s): " + ", ".join(
                f"{name} {count}x {median}" for name, (count, median) in medians.items()))  # type: ignore[attr-defined]
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)


if __name__ == "__main__":
    main()
