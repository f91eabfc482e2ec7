"""OpenSSH signatures (SSHSIG, what ``ssh-keygen -Y sign`` writes and git uses), made and checked by ``ssh-keygen``.

No cryptography of our own: every signature is made, checked and matched to a person by the OpenSSH client's
``ssh-keygen`` (OpenSSH 8.2 or newer; Windows 10+, macOS and Linux ship it), run without a shell. What is signed
is a :class:`Signed` statement's canonical JSON, so the same statement always gives the same bytes.

Who a key belongs to is the allowed-signers file's business (git's ``gpg.ssh.allowedSignersFile`` format: a
principal, then a public key), asked with ``-Y find-principals`` and confirmed with ``-Y verify``, so OpenSSH's
own rules apply (``namespaces=``, ``valid-after``/``valid-before``, ``cert-authority``). Private keys stay with
ssh-keygen: a key held by ssh-agent is used from there, else ssh-keygen asks for a passphrase on the terminal
itself; we never see, read or store one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent.core.errors import ConfigError
from agent.core.i18n import _

#: How a fingerprint appears in ssh-keygen's answers ("... with ED25519 key SHA256:o8YiS4...").
_FINGERPRINT = re.compile(r"SHA256:[A-Za-z0-9+/=]+")
#: Checking takes milliseconds; a minute only catches a hung tool. Signing has no limit: a person may be typing.
_CHECK_TIMEOUT_S = 60
#: A person at a terminal gets this many tries at a passphrase, as ssh itself gives.
_PASSPHRASE_TRIES = 3


class Signed(BaseModel):
    """A statement and the armored SSH signature of its canonical JSON."""

    statement: dict[str, Any] = Field(default_factory=dict)
    signature: str = ""

    @property
    def message(self) -> bytes:
        """The signed bytes: the statement as canonical JSON (sorted keys, no spaces, UTF-8)."""
        return canonical(self.statement)


def canonical(statement: dict[str, Any]) -> bytes:
    """The one byte string of a statement: JSON with sorted keys and no spaces, in UTF-8."""
    return json.dumps(statement, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Signer:
    """Who made a signature, as the allowed-signers file says: its principals and the key's fingerprint."""

    principals: tuple[str, ...]
    fingerprint: str

    @property
    def principal(self) -> str:
        """The principal the signature was verified for (the first that the file allows)."""
        return self.principals[0]


class SshKeygen:
    """The ``ssh-keygen`` program, asked to sign, check and name signers.

    Args:
        program: its name on PATH or its path (``OZON_RPA_SSH_KEYGEN``).
        interactive: whether a person may be asked for a passphrase (default: stdin is a terminal).
    """

    def __init__(self, program: str = "ssh-keygen", *, interactive: bool | None = None,
                 timeout_s: float = _CHECK_TIMEOUT_S) -> None:
        self.program = program
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self.timeout_s = timeout_s  # a hung ssh-keygen fails the command after this, instead of hanging it

    def _run(self, args: list[str], *, data: bytes | None = None,
             person: bool = False) -> subprocess.CompletedProcess[bytes]:
        """Run ssh-keygen; ``person``: a person at the terminal may type a passphrase, for as long as they need."""
        executable = shutil.which(self.program) or self.program
        timeout, detach = (None, False) if person else (self.timeout_s, True)
        try:
            # stdin is never the terminal: a passphrase prompt opens the terminal itself (or SSH_ASKPASS). Without
            # a person (``detach``: a session of its own, no terminal) it reads the empty stdin and fails at once
            # instead of waiting for nobody.
            return subprocess.run([executable, *args], input=data if data is not None else b"",
                                  capture_output=True, timeout=timeout, check=False, start_new_session=detach)
        except FileNotFoundError:
            raise ConfigError(_(
                "{program} (the OpenSSH client) was not found; install it (Debian/Ubuntu: {apt}; Windows 10 and "
                "later: Settings > Apps > Optional features > OpenSSH Client; macOS has it), or set "
                "OZON_RPA_SSH_KEYGEN to its path", program=self.program,
                apt="sudo apt-get install openssh-client")) from None
        except (OSError, subprocess.TimeoutExpired) as err:
            raise ConfigError(_("{program} could not run: {why}", program=self.program, why=err)) from None

    def _too_old(self, done: subprocess.CompletedProcess[bytes]) -> None:
        said = _said(done)
        if "usage:" in said or "illegal option" in said or "unknown option" in said:
            raise ConfigError(_("{program} is too old for signatures: OpenSSH 8.2 or newer is needed "
                                "(`ssh -V` shows the version)", program=self.program))

    def key_fingerprint(self, key: Path) -> str:
        """The SHA256 fingerprint of a key file (private or public; no passphrase is needed for it).

        Raises:
            ConfigError: ssh-keygen is missing, or the file is not a key it can read.
        """
        done = self._run(["-l", "-E", "sha256", "-f", str(key)])
        found = _FINGERPRINT.search(done.stdout.decode("utf-8", "replace"))
        if done.returncode != 0 or not found:
            raise ConfigError(_("{key}: not an SSH key ssh-keygen can read ({why})", key=key, why=_said(done)))
        return found.group(0)

    def sign(self, statement: dict[str, Any], key: Path, namespace: str) -> Signed:
        """Sign a statement with a private key (or the public half of a key that ssh-agent holds).

        Raises:
            ConfigError: ssh-keygen is missing or too old, or could not sign (a wrong or missing passphrase,
                an unreadable key): the message says what ssh-keygen said and what to do.
        """
        message = canonical(statement)
        with tempfile.TemporaryDirectory(prefix="ozon-rpa-sign-") as folder:
            data = Path(folder) / "statement.json"
            data.write_bytes(message)
            for _try in range(_PASSPHRASE_TRIES if self.interactive else 1):
                done = self._run(["-q", "-Y", "sign", "-f", str(key), "-n", namespace, str(data)],
                                 person=self.interactive)
                if done.returncode == 0 or "passphrase" not in _said(done):
                    break
            self._too_old(done)
            signature = data.with_name(data.name + ".sig")
            if done.returncode != 0 or not signature.exists():
                raise ConfigError(_sign_failure(key, _said(done)))
            return Signed(statement=statement, signature=signature.read_text(encoding="ascii"))

    def key_of(self, signed: Signed, namespace: str) -> str | None:
        """The fingerprint of the key that made a signature, if it is a valid signature of this statement.

        Checks only the signature itself (``-Y check-novalidate``), not who may sign: see :meth:`signer`.

        Returns:
            The ``SHA256:...`` fingerprint, or None when the signature does not match the statement or the
            namespace, or is not a signature at all.
        """
        with tempfile.TemporaryDirectory(prefix="ozon-rpa-check-") as folder:
            sig = _write_signature(Path(folder), signed)
            done = self._run(["-Y", "check-novalidate", "-n", namespace, "-s", str(sig)], data=signed.message)
        self._too_old(done)
        found = _FINGERPRINT.search(done.stdout.decode("utf-8", "replace"))
        return found.group(0) if done.returncode == 0 and found else None

    def signer(self, signed: Signed, namespace: str, allowed_signers: Path) -> Signer | None:
        """Who made a signature, if the allowed-signers file allows that key to sign in this namespace.

        ``-Y find-principals`` names the principals of the signature's key; the first of them that
        ``-Y verify`` accepts (statement, namespace, the file's options and validity) is the signer.

        Returns:
            The signer, or None when the key is not in the file (or no longer), or not for this namespace.
        """
        with tempfile.TemporaryDirectory(prefix="ozon-rpa-check-") as folder:
            sig = _write_signature(Path(folder), signed)
            found = self._run(["-Y", "find-principals", "-s", str(sig), "-f", str(allowed_signers)])
            self._too_old(found)
            names = [n.strip() for line in found.stdout.decode("utf-8", "replace").splitlines()
                     for n in line.split(",") if n.strip()] if found.returncode == 0 else []
            for name in names:
                done = self._run(["-Y", "verify", "-f", str(allowed_signers), "-I", name, "-n", namespace,
                                  "-s", str(sig)], data=signed.message)
                fingerprint = _FINGERPRINT.search(done.stdout.decode("utf-8", "replace"))
                if done.returncode == 0 and fingerprint:
                    return Signer((name, *(n for n in names if n != name)), fingerprint.group(0))
        return None


def _write_signature(folder: Path, signed: Signed) -> Path:
    path = folder / "statement.sig"
    path.write_text(signed.signature, encoding="ascii", errors="replace")
    return path


def _said(done: subprocess.CompletedProcess[bytes]) -> str:
    """ssh-keygen's own words about a failure (its last lines), for a message."""
    text = (done.stderr or b"").decode("utf-8", "replace").strip()
    return " ".join(text.splitlines()[-2:])


def _sign_failure(key: Path, said: str) -> str:
    if "passphrase" in said:
        return _("{key} is protected by a passphrase, which was not given ({said}); add the key to ssh-agent once "
                 "(`ssh-add {key}`), or run the command in a terminal to type it", key=key, said=said)
    return _("could not sign with {key}: {said}", key=key, said=said or _("ssh-keygen gave no reason"))
