"""The baseline a seller compares us with: a recorded (Playwright codegen style) script, no safety net.

One browser, one page, signed in once; for each posting: open its drawer URL, click the edit control, fill the
number, click Save, wait for the dialog to close, take one screenshot. No read-back, no journal, no masking, no
retries: what a recorded RPA flow does. ``--fixed-wait`` adds the fixed 1-2 s pauses that recorded flows
usually carry (``wait_for_timeout``, allowed here only because this is the baseline we measure against).

Prints the wall-clock rate (changes a minute, from the browser's start to its close; the signed-in state is
saved beforehand, as codegen's ``--save-storage`` does) and the oracle's count of saves actually stored.
The sandbox runs in its own process with the same latency knob as ``bench/bulk_bench.py``.

    .venv/bin/python bench/recorded_flow.py [--changes 60] [--latency-ms 50] [--fixed-wait]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from agent.core.browser.choice import find_browser, launch_options  # noqa: E402
from agent.rules.tracking import s10_check_digit  # noqa: E402
from bench.sandbox_process import http, start_sandbox  # noqa: E402
from fixtures.sandbox.i18n import RU  # noqa: E402


def saved_state(url: str, state_dir: Path) -> Path:
    """A signed-in browser state, made once and not timed (codegen's ``--save-storage``, like our saved session)."""
    from agent.core.settings import Settings
    from agent.runner import workbench

    settings = Settings(base_url=url, state_dir=state_dir, otp_source="sandbox", _env_file=None)
    with workbench(settings):
        pass
    return settings.storage_state_path


def run(url: str, changes: int, fixed_wait: bool, serial_base: int) -> dict[str, object]:
    http(f"{url}/_sandbox/reset", {})
    postings = http(f"{url}/_sandbox/postings?editable=true&limit={changes}")["postings"]
    assert isinstance(postings, list) and len(postings) >= changes
    shots = Path(tempfile.mkdtemp(prefix="recorded-flow-"))
    state = saved_state(url, shots / "state")
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_options(find_browser()))
        page = browser.new_page(storage_state=str(state))
        for i, posting in enumerate(postings[:changes]):
            number = posting["posting_number"]
            serial = f"{serial_base + i:08d}"
            page.goto(f"{url}/app/postings/fbs?postingDetails={number}")
            page.get_by_role("button", name=RU["drawer.edit_tracking"]).click()
            dialog = page.get_by_role("dialog", name=RU["dialog.title"])
            dialog.get_by_label(RU["dialog.tracking"]).fill(f"RR{serial}{s10_check_digit(serial)}CN")
            if fixed_wait:
                page.wait_for_timeout(random.uniform(1000, 2000))
            dialog.get_by_role("button", name=RU["dialog.save"]).click()
            expect(dialog).to_be_hidden()
            page.screenshot(path=str(shots / f"{number}.jpg"), type="jpeg", quality=80)
        browser.close()
    wall = time.monotonic() - started
    saved = sum(int(http(f"{url}/_sandbox/postings/{p['posting_number']}").get("save_count", 0))
                for p in postings[:changes])
    return {"changes": changes, "saved": saved, "wall_s": round(wall, 1),
            "per_minute": round(60 * changes / wall, 1), "fixed_wait": fixed_wait}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--postings", type=int, default=800)
    parser.add_argument("--fixed-wait", action="store_true", help="add the 1-2 s pauses recorded flows carry")
    args = parser.parse_args()
    sandbox, url = start_sandbox(args.latency_ms, args.postings)
    try:
        figures = run(url, args.changes, args.fixed_wait, 40_000_000)
        print(" | ".join(f"{k} {v}" for k, v in figures.items()))
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)


if __name__ == "__main__":
    main()
