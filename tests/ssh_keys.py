"""People with real SSH keys for the signature tests: made by ssh-keygen (Debian's openssh-client) in temp folders.

Each person has a folder of their own standing for their computer (their key, their state directory), so a
test can plan on one "computer", approve on another and apply on the first, with only files travelling between.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass
class Person:
    """Someone with an ed25519 key of their own, and a folder standing for their computer."""

    name: str
    home: Path

    @property
    def key(self) -> Path:
        """The private key (no passphrase unless the person was made with one)."""
        return self.home / "id_ed25519"

    @property
    def state_dir(self) -> Path:
        """``OZON_RPA_STATE_DIR`` on this person's computer."""
        return self.home / "state"

    @cached_property
    def public_key(self) -> str:
        """``ssh-ed25519 AAAA...``, as an allowed-signers line holds it."""
        return " ".join(Path(f"{self.key}.pub").read_text(encoding="ascii").split()[:2])

    @cached_property
    def fingerprint(self) -> str:
        """``SHA256:...``, as ``ssh-keygen -l`` says."""
        out = subprocess.run(["ssh-keygen", "-l", "-f", str(self.key)], capture_output=True, text=True, check=True)
        return out.stdout.split()[1]

    def line(self, options: str = "", principals: str | None = None) -> str:
        """This person's allowed-signers line: principals, options, public key."""
        return " ".join(part for part in (principals or self.name, options, self.public_key) if part)


def make_person(root: Path, name: str, passphrase: str = "") -> Person:
    """A new person with a fresh key, in ``root/name``."""
    person = Person(name, root / name)
    person.home.mkdir(parents=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(person.key)],
                   check=True, stdin=subprocess.DEVNULL)
    return person


def write_allowed(path: Path, *lines: str) -> Path:
    """An allowed-signers file of these lines."""
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path
