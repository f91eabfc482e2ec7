"""A seller's start, no make and no checkout: the built wheel installed into a fresh virtual environment outside
the repository, then ``ozon-rpa setup`` and ``ozon-rpa demo`` run from a folder of the seller's own.

The wheel is built once from a copy of the working tree (the checkout stays clean); its dependencies come from
the package registry as a seller's ``pip`` would get them (pip's cache makes later runs quick). The browser is the
one this machine already has, so setup finds it and downloads nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

REPO = Path(__file__).resolve().parents[2]
#: What a wheel is built from (the rest of the checkout, tests included, stays out).
SOURCES = ("pyproject.toml", "README.md", "agent", "pages", "scenarios", "fixtures")
BIN = "Scripts" if sys.platform == "win32" else "bin"


def run(command: list[str], cwd: Path, timeout: int, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def build_wheel(work: Path) -> Path:
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(source)],
        cwd=work, timeout=600)
    (wheel,) = (work / "dist").glob("ozon_rpa-*.whl")
    return wheel


@pytest.mark.timeout(1800)  # a cold pip cache downloads Playwright and the rest from the registry
def test_a_seller_should_go_from_the_wheel_to_a_green_demo_with_setup_alone(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    venv = tmp_path / "seller-venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path, timeout=300)
    python, ozon_rpa = venv / BIN / "python", venv / BIN / "ozon-rpa"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path, timeout=900)
    home = tmp_path / "my-shop"  # the seller's own folder, far from the checkout
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OZON_RPA_", "PYTHON")) and k != "VIRTUAL_ENV"}
    env["COLUMNS"] = "200"

    installed = run([str(python), "-c", "import agent; print(agent.__file__)"], cwd=home, timeout=60, env=env)
    assert str(venv) in installed and str(REPO) not in installed, "the wheel's own code, not the checkout's"
    chinese = run([str(ozon_rpa), "--ui-lang", "zh", "--help"], cwd=home, timeout=60, env=env)
    assert "受监督的批量修改" in chinese and "用法：" in chinese, "the catalogs travel in the wheel"

    started = time.monotonic()
    setup = run([str(ozon_rpa), "setup"], cwd=home, timeout=600, env=env)
    setup_s = time.monotonic() - started
    assert "Ready. Next: `ozon-rpa demo`" in setup, setup
    assert (home / ".env").is_file() and "OZON_RPA_STATE_DIR=" in (home / ".env").read_text(encoding="utf-8")

    started = time.monotonic()
    demo = run([str(ozon_rpa), "demo"], cwd=home, timeout=900, env=env)
    demo_s = time.monotonic() - started
    reports = list((home / ".ozon-rpa" / "demo" / "runs").glob("*/report.html"))
    assert len(reports) == 1 and str(reports[0]) in " ".join(demo.split()), demo
    assert "changed" in demo and "the rejected rows are the sample's deliberate mistakes" in demo
    print(f"\nwheel {wheel.stat().st_size / 1024:.0f} KiB; setup {setup_s:.1f} s; demo {demo_s:.1f} s (from the wheel)")
