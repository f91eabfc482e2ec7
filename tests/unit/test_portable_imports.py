"""Every module loads where Unix-only modules do not exist (a seller's Windows PC): nothing of agent/, pages/,
scenarios/ or fixtures/ imports ``fcntl``, ``termios``, ``pwd``, ``grp`` or ``resource`` when it loads.

Checked in a fresh interpreter whose import system refuses those modules (a meta-path blocker, as Windows' Python
simply lacks them), so an import hidden in any module, or in a library it loads, is found.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("agent", "pages", "scenarios", "fixtures")
UNIX_ONLY = ("fcntl", "termios", "pwd", "grp", "resource")

#: Run in the child: block the modules, then import each named module and report what failed, and why.
CHILD = """
import contextlib, importlib, importlib.abc, io, json, sys, traceback
BLOCKED = set(sys.argv[1].split(","))

class WindowsLike(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: not on Windows)", name=name)
        return None

sys.meta_path.insert(0, WindowsLike())
for name in list(sys.modules):
    if name.split(".")[0] in BLOCKED:
        del sys.modules[name]
failures = {}
try:
    import fcntl  # the blocker itself must work, or this test proves nothing
    failures["<blocker>"] = "fcntl could still be imported"
except ImportError:
    pass
for name in sys.argv[2:]:
    try:
        if name == "agent.__main__":  # runs the command line when loaded: ask it for its help
            sys.argv = ["ozon-rpa", "--help"]
            with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
                importlib.import_module(name)
        else:
            importlib.import_module(name)
    except BaseException:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps(failures))
"""


def module_names() -> list[str]:
    """Every module of the packages, by its dotted name."""
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_should_load_without_the_unix_only_modules() -> None:
    names = module_names()
    assert "agent.core.journal.leases" in names and "agent.cli.app" in names and len(names) > 100

    child = subprocess.run([sys.executable, "-W", "ignore", "-c", CHILD, ",".join(UNIX_ONLY), *names], cwd=ROOT,
                           capture_output=True, text=True, timeout=240)

    assert child.returncode == 0, child.stderr
    failures = json.loads(child.stdout.strip().splitlines()[-1])
    assert not failures, "\n\n".join(f"{name}:\n{why}" for name, why in failures.items())
