"""Writing files that hold secrets (browser state, traces) readable by their owner only.

Each OS's own way: on Linux and macOS the file's mode is 0600. On Windows a mode means nothing (``chmod`` only
sets the read-only flag); who may read a file is decided by its folder's access list, and a folder inside the
user's own profile (``C:\\Users\\<name>``) is readable by that user and administrators only. So on Windows the
state folder belongs in the profile (the README says so, and ``ozon-rpa setup`` warns when it is elsewhere).
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

#: Whether file modes restrict access here (not on Windows: there the folder's access list does).
MODES_APPLY = sys.platform != "win32"


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600, atomically (a crash leaves the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary name of its own per writer: parallel workers may save the same state at once.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    make_private(tmp)
    os.replace(tmp, path)


def make_private(path: Path) -> None:
    """Restrict an existing file to its owner (0600; on Windows the folder's access list does it)."""
    if MODES_APPLY and path.exists():
        os.chmod(path, 0o600)


def outside_own_profile(folder: Path) -> bool:
    """On Windows, whether ``folder`` lies outside the user's own profile (so others may be able to read it).

    Always False elsewhere, where the files' own modes protect them.
    """
    if MODES_APPLY:
        return False
    try:
        folder.resolve().relative_to(Path.home().resolve())
    except ValueError:
        return True
    return False
