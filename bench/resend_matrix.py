"""The acceptance matrix of browser re-sends: bulk runs through the seeded fault proxy, checked against the oracle.

For each worker count and seed: a fresh sandbox state, the faulty proxy in front of it (it forwards a share of
saves and then drops the browser's connection before any answer, drops a share of reads, stalls a share of page
loads), and ``ozon-rpa bulk apply changes.csv --yes --workers N`` as a real process through the proxy on
``--postings`` editable postings. Then, posting by posting, the sandbox's count of stored saves against what the
run wrote: the re-send warning in the row of ``results.csv``, in the journal entry and in ``report.html``.

Printed per run: the postings stored more than once, those whose warning is missing (in the row, the journal or
the report), those with a warning but stored once, those whose warning names another count, and the outcomes.
Exit 1 when any run has a missing, false or wrong warning.

    .venv/bin/python bench/resend_matrix.py [--workers 2 4] [--seeds 1 2 3] [--postings 40] [--save-url shared]

The proxy's decisions follow its seed in the order requests reach it; with several workers that order varies
from run to run, so a seed fixes the rates and the sequence of draws, not which postings get the faults.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from agent.rules.tracking import s10_check_digit  # noqa: E402
from fixtures.faulty_proxy import Faults, FaultyProxy  # noqa: E402
from fixtures.sandbox.config import SandboxConfig  # noqa: E402
from fixtures.sandbox.server import SandboxServer  # noqa: E402

RESENT = re.compile(r"the save was sent (\d+) times: the connection dropped and the browser re-sent it")
#: A dropped save gets no answer at all: the agent waits this long for one before it reads the posting again.
QUICK = {"OZON_RPA_SAVE_TIMEOUT_MS": "3000", "OZON_RPA_TIMEOUT_MS": "8000", "OZON_RPA_CIRCUIT_BREAKER": "50",
         "OZON_RPA_RETRY_BACKOFF_S": "0.2"}


@dataclass
class Cell:
    """What one run of the matrix found."""

    workers: int
    seed: int
    seconds: float = 0.0
    exit_code: int = 0
    stored_twice: int = 0
    extra_stores: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)  # where the warning is missing -> postings
    false: list[str] = field(default_factory=list)  # a warning, but stored once (or not at all)
    wrong_count: list[str] = field(default_factory=list)  # the warning names another count than the stores
    outcomes: Counter[str] = field(default_factory=Counter)
    proxy: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (any(self.missing.values()) or self.false or self.wrong_count)


def s10(serial: int) -> str:
    digits = f"{serial:08d}"
    return f"RR{digits}{s10_check_digit(digits)}CN"


def sends_in(texts: list[str]) -> int | None:
    """The count a re-send warning names among ``texts`` (None: no warning)."""
    counts = [int(m.group(1)) for text in texts for m in RESENT.finditer(text)]
    return max(counts) if counts else None


def report_rows(report: str) -> dict[str, str]:
    """Each posting's row of report.html, as its HTML."""
    return {m.group(1): m.group(2) for m in re.finditer(r'<tr data-posting="([^"]+)"(.*?)</tr>', report, re.S)}


def run_cell(sandbox: SandboxServer, proxy: FaultyProxy, args: argparse.Namespace, workers: int, seed: int,
             work: Path) -> Cell:
    oracle = httpx.Client(base_url=sandbox.url, timeout=30)
    oracle.post("/_sandbox/reset").raise_for_status()
    oracle.post("/_sandbox/config", json={"save_url": args.save_url}).raise_for_status()
    postings = oracle.get("/_sandbox/postings", params={"editable": "true", "limit": args.postings}).json()["postings"]
    rows = [[p["posting_number"], s10(20_000_000 + 1000 * seed + 100 * workers + i)] for i, p in enumerate(postings)]
    state = work / f"w{workers}-s{seed}"
    state.mkdir()
    source = state / "changes.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["posting_number", "tracking_number"], *rows])
    proxy.reseed(seed)
    proxy.stats.counts.clear()
    proxy.stats.saves.clear()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OZON_RPA_")}
    env.update({"OZON_RPA_BASE_URL": proxy.url, "OZON_RPA_STATE_DIR": str(state / "state"),
                "OZON_RPA_OTP_SOURCE": "sandbox", "OZON_RPA_UI_LANG": "en", **QUICK})
    cell = Cell(workers, seed)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "agent", "bulk", "apply", str(source), "--yes", "--workers",
                           str(workers)], cwd=state, env=env, capture_output=True, text=True, timeout=1800)
    cell.seconds, cell.exit_code = time.monotonic() - started, done.returncode
    (state / "output.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
    cell.proxy = Counter({k: v for k, v in proxy.stats.counts.items() if " /" not in k})
    run_dir = max((state / "state" / "runs").iterdir())
    with open(run_dir / "results.csv", encoding="utf-8-sig", newline="") as handle:
        results = {row["posting_number"]: list(row.values()) for row in csv.DictReader(handle)}
    with sqlite3.connect(state / "state" / "journal.sqlite") as db:
        journal = {n: json.loads(w) for n, w in db.execute("SELECT posting_number, warnings FROM items")}
        cell.outcomes = Counter(o for (o,) in db.execute("SELECT outcome FROM items"))
    report = report_rows((run_dir / "report.html").read_text(encoding="utf-8"))
    cell.missing = {"row": [], "journal": [], "report": []}
    for number, _new in rows:
        stored = int(oracle.get(f"/_sandbox/postings/{number}").json()["save_count"])
        said = {"row": sends_in(results.get(number, [])), "journal": sends_in(journal.get(number, [])),
                "report": sends_in([report.get(number, "")])}
        if stored > 1:
            cell.stored_twice += 1
            cell.extra_stores += stored - 1
            for where, count in said.items():
                if count is None:
                    cell.missing[where].append(number)
                elif count != stored:
                    cell.wrong_count.append(f"{number} ({where}: {count}, stored {stored})")
        elif any(count is not None for count in said.values()):
            cell.false.append(f"{number} (stored {stored})")
    oracle.close()
    return cell


def print_cell(cell: Cell) -> None:
    missing = {where: len(numbers) for where, numbers in cell.missing.items() if numbers}
    print(f"workers {cell.workers} seed {cell.seed}: {cell.seconds:5.0f} s, exit {cell.exit_code}; "
          f"stored more than once {cell.stored_twice} ({cell.extra_stores} extra stores); "
          f"warning missing {missing or 0}, false {len(cell.false)}, wrong count {len(cell.wrong_count)}; "
          f"outcomes {dict(cell.outcomes)}; proxy {dict(cell.proxy)}", flush=True)
    for where, numbers in cell.missing.items():
        if numbers:
            print(f"    missing in the {where}: {', '.join(numbers)}")
    for line in (*cell.false, *cell.wrong_count):
        print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--postings", type=int, default=40)
    parser.add_argument("--drop-save-rate", type=float, default=0.15)
    parser.add_argument("--drop-read-rate", type=float, default=0.05)
    parser.add_argument("--stall-page-rate", type=float, default=0.05)
    parser.add_argument("--stall-s", type=float, default=2.0)
    parser.add_argument("--drop-with", choices=("reset", "close"), default="reset",
                        help="how the proxy drops a connection: reset (TCP RST) or close (FIN, no answer)")
    parser.add_argument("--save-url", choices=("per_posting", "shared"), default="per_posting",
                        help="shared: every save to one URL, the posting in the body (its URL does not tell whose)")
    parser.add_argument("--keep", type=Path, default=None, help="keep every run's state in this folder")
    args = parser.parse_args(argv)
    faults = Faults(drop_save_rate=args.drop_save_rate, drop_read_rate=args.drop_read_rate,
                    stall_page_rate=args.stall_page_rate, stall_s=args.stall_s, drop_with=args.drop_with)
    print(f"{args.postings} postings, save URL {args.save_url}; saves dropped after forwarding "
          f"{args.drop_save_rate:.0%}, reads dropped "
          f"{args.drop_read_rate:.0%}, page loads stalled {args.stall_page_rate:.0%} ({args.stall_s} s); drops by "
          f"{args.drop_with}", flush=True)
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix="resend-matrix-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        with SandboxServer(SandboxConfig()) as sandbox, FaultyProxy(sandbox.url, faults) as proxy:
            for workers in args.workers:
                for seed in args.seeds:
                    cell = run_cell(sandbox, proxy, args, workers, seed, work)
                    print_cell(cell)
                    cells.append(cell)
    total = sum(c.stored_twice for c in cells)
    bad = [c for c in cells if not c.ok]
    print(f"total: {len(cells)} runs, {total} postings stored more than once, {len(bad)} runs with a missing, "
          f"false or wrong warning", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
