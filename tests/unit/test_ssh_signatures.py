"""OpenSSH signatures through the real ssh-keygen: made, checked, matched to a principal, refused when due."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.bulk.ssh_signatures import Signed, SshKeygen, canonical
from agent.core.errors import ConfigError
from tests.ssh_keys import Person, make_person, write_allowed

NS = "ozon-rpa-test"
STATEMENT = {"purpose": "approve", "plan_hash": "ab" * 32, "rows": {"change": 2, "rejected": 1}, "by": "Борис 李"}


@pytest.fixture
def keygen() -> SshKeygen:
    return SshKeygen(interactive=False)  # never a prompt on the terminal of whoever runs the tests


@pytest.fixture
def anna(tmp_path: Path) -> Person:
    return make_person(tmp_path, "anna")


@pytest.fixture
def boris(tmp_path: Path) -> Person:
    return make_person(tmp_path, "boris")


def test_the_signed_bytes_should_not_depend_on_the_order_of_the_statement() -> None:
    reordered = dict(reversed(list(STATEMENT.items())))

    assert canonical(reordered) == canonical(STATEMENT)
    assert canonical(STATEMENT) == ('{"by":"Борис 李","plan_hash":"' + "ab" * 32 + '","purpose":"approve",'
                                    '"rows":{"change":2,"rejected":1}}').encode()


def test_a_signature_should_name_the_key_that_made_it(keygen: SshKeygen, anna: Person) -> None:
    signed = keygen.sign(STATEMENT, anna.key, NS)

    assert signed.statement == STATEMENT
    assert signed.signature.startswith("-----BEGIN SSH SIGNATURE-----")
    assert keygen.key_of(signed, NS) == anna.fingerprint == keygen.key_fingerprint(anna.key)


@pytest.mark.parametrize("change", ["statement", "namespace", "signature"])
def test_a_signature_should_not_hold_for_another_statement_namespace_or_garbage(
    keygen: SshKeygen, anna: Person, change: str
) -> None:
    signed = keygen.sign(STATEMENT, anna.key, NS)
    namespace = NS
    if change == "statement":
        signed = Signed(statement={**STATEMENT, "plan_hash": "cd" * 32}, signature=signed.signature)
    elif change == "namespace":
        namespace = "ozon-rpa-other"
    else:
        signed = Signed(statement=STATEMENT, signature="not a signature")

    assert keygen.key_of(signed, namespace) is None


def test_the_signer_should_be_the_principal_the_allowed_signers_file_gives_the_key(
    keygen: SshKeygen, anna: Person, boris: Person, tmp_path: Path
) -> None:
    allowed = write_allowed(tmp_path / "allowed", boris.line(), anna.line(principals="anna,anna@corp.example"))
    signed = keygen.sign(STATEMENT, anna.key, NS)

    signer = keygen.signer(signed, NS, allowed)

    assert signer is not None
    assert (signer.principal, signer.principals, signer.fingerprint) == (
        "anna", ("anna", "anna@corp.example"), anna.fingerprint)


def test_a_key_missing_from_the_file_or_not_for_this_namespace_should_have_no_signer(
    keygen: SshKeygen, anna: Person, boris: Person, tmp_path: Path
) -> None:
    signed = keygen.sign(STATEMENT, anna.key, NS)

    assert keygen.signer(signed, NS, write_allowed(tmp_path / "a1", boris.line())) is None
    assert keygen.signer(signed, NS, write_allowed(tmp_path / "a2", anna.line('namespaces="other"'))) is None
    assert keygen.signer(signed, NS, write_allowed(tmp_path / "a3", anna.line(f'namespaces="{NS}"'))) is not None
    altered = Signed(statement={**STATEMENT, "by": "mallory"}, signature=signed.signature)
    assert keygen.signer(altered, NS, write_allowed(tmp_path / "a4", anna.line())) is None


def test_a_missing_ssh_keygen_should_say_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        SshKeygen(str(tmp_path / "no-such-ssh-keygen")).key_fingerprint(tmp_path / "key")

    assert str(refused.value) == (
        f"{tmp_path / 'no-such-ssh-keygen'} (the OpenSSH client) was not found; install it (Debian/Ubuntu: sudo "
        "apt-get install openssh-client; Windows 10 and later: Settings > Apps > Optional features > OpenSSH Client; "
        "macOS has it), or set OZON_RPA_SSH_KEYGEN to its path")


def test_an_ssh_keygen_that_cannot_run_should_say_why(tmp_path: Path) -> None:
    not_a_program = tmp_path / "ssh-keygen"
    not_a_program.write_text("not a program\n", encoding="utf-8")
    not_a_program.chmod(0o600)

    with pytest.raises(ConfigError) as refused:
        SshKeygen(str(not_a_program)).key_fingerprint(tmp_path / "key")

    assert str(refused.value) == f"{not_a_program} could not run: [Errno 13] Permission denied: '{not_a_program}'"


def fake_keygen(folder: Path, script: str) -> Path:
    """A stand-in for another ssh-keygen (an old one, one that fails): a shell script that logs its calls."""
    program = folder / "fake-ssh-keygen"
    program.write_text(f"#!/bin/sh\necho called >> '{folder}/calls'\n{script}\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def calls(folder: Path) -> int:
    return len((folder / "calls").read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("call", ["fingerprint", "sign", "check"])
def test_an_ssh_keygen_that_hangs_should_fail_after_its_time_out_not_hang_the_command(
    call: str, anna: Person, tmp_path: Path
) -> None:
    """No person at a terminal: a hung ssh-keygen (a prompt nobody answers, a stuck agent) is an error, not a wait."""
    hung = SshKeygen(str(fake_keygen(tmp_path, "exec sleep 30")), interactive=False, timeout_s=0.5)
    real = SshKeygen(interactive=False)
    act = {"fingerprint": lambda: hung.key_fingerprint(anna.key),
           "sign": lambda: hung.sign(STATEMENT, anna.key, NS),
           "check": lambda: hung.signer(real.sign(STATEMENT, anna.key, NS), NS, write_allowed(tmp_path / "a",
                                                                                             anna.line()))}[call]

    with pytest.raises(ConfigError) as refused:
        act()

    assert str(refused.value).startswith(f"{hung.program} could not run: Command ")
    assert "timed out after 0.5 seconds" in str(refused.value)


@pytest.mark.parametrize("answer", ["usage: ssh-keygen [-q] [-b bits]", "ssh-keygen: illegal option -- Y",
                                    "unknown option -- Y"], ids=["usage", "illegal-option", "unknown-option"])
def test_an_ssh_keygen_without_signatures_should_be_called_too_old(tmp_path: Path, answer: str) -> None:
    old = fake_keygen(tmp_path, f"echo '{answer}' >&2\nexit 1")  # what OpenSSH before 8.2 answers to -Y

    for ask in (lambda k: k.key_of(Signed(statement=STATEMENT, signature="x"), NS),
                lambda k: k.sign(STATEMENT, tmp_path / "key", NS),
                lambda k: k.signer(Signed(statement=STATEMENT, signature="x"), NS, tmp_path / "allowed")):
        with pytest.raises(ConfigError) as refused:
            ask(SshKeygen(str(old), interactive=False))
        assert str(refused.value) == (f"{old} is too old for signatures: OpenSSH 8.2 or newer is needed "
                                      "(`ssh -V` shows the version)")


def test_a_person_at_a_terminal_should_get_three_tries_at_a_passphrase(tmp_path: Path) -> None:
    wrong = fake_keygen(tmp_path, "echo 'Load key \"k\": incorrect passphrase supplied to decrypt private key' >&2\n"
                                  "exit 255")

    with pytest.raises(ConfigError) as refused:
        SshKeygen(str(wrong), interactive=True).sign(STATEMENT, tmp_path / "k", NS)

    assert calls(tmp_path) == 3
    assert str(refused.value) == (
        f'{tmp_path / "k"} is protected by a passphrase, which was not given (Load key "k": incorrect passphrase '
        f"supplied to decrypt private key); add the key to ssh-agent once (`ssh-add {tmp_path / 'k'}`), or run the "
        "command in a terminal to type it")
    (tmp_path / "calls").unlink()
    with pytest.raises(ConfigError):
        SshKeygen(str(wrong), interactive=False).sign(STATEMENT, tmp_path / "k", NS)
    assert calls(tmp_path) == 1, "nobody to type it: one try, at once"


def test_a_signing_failure_should_say_what_ssh_keygen_said(tmp_path: Path) -> None:
    broken = fake_keygen(tmp_path, "echo 'first line' >&2\necho 'Permissions 0644 for k are too open.' >&2\n"
                                   "echo 'This private key will be ignored.' >&2\nexit 255")
    (tmp_path / "silent").mkdir()
    silent = fake_keygen(tmp_path / "silent", "exit 0")

    with pytest.raises(ConfigError) as refused:
        SshKeygen(str(broken), interactive=False).sign(STATEMENT, tmp_path / "k", NS)
    assert str(refused.value) == (f"could not sign with {tmp_path / 'k'}: Permissions 0644 for k are too open. "
                                  "This private key will be ignored.")
    with pytest.raises(ConfigError) as unsigned:  # "done", but no signature written
        SshKeygen(str(silent), interactive=False).sign(STATEMENT, tmp_path / "k", NS)
    assert str(unsigned.value) == f"could not sign with {tmp_path / 'k'}: ssh-keygen gave no reason"


def test_a_file_that_is_not_a_key_should_be_refused_naming_it(keygen: SshKeygen, tmp_path: Path) -> None:
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("hello\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"notes\.txt: not an SSH key ssh-keygen can read"):
        keygen.key_fingerprint(not_a_key)


@pytest.mark.parametrize(("script", "why"), [
    ("echo 'notes.txt is not a key file.' >&2\nexit 255", "notes.txt is not a key file."),
    ("exit 0", ""),  # says nothing and names no fingerprint
], ids=["refused", "silent"])
def test_a_key_without_a_fingerprint_should_be_refused_with_ssh_keygens_words(
    tmp_path: Path, script: str, why: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        SshKeygen(str(fake_keygen(tmp_path, script)), interactive=False).key_fingerprint(tmp_path / "notes.txt")

    assert str(refused.value) == f"{tmp_path / 'notes.txt'}: not an SSH key ssh-keygen can read ({why})"


def test_principals_listed_on_one_line_should_each_count(tmp_path: Path) -> None:
    """Older ssh-keygen prints a key's principals as its allowed-signers line has them: comma-separated."""
    both = fake_keygen(tmp_path, 'case "$*" in\n'
                                 '  *find-principals*) echo "anna,anna@corp.example" ;;\n'
                                 '  *"-I anna@corp.example"*) echo "Good \\"ns\\" signature for anna@corp.example '
                                 'with ED25519 key SHA256:AnnaKey0" ;;\n'
                                 '  *) exit 255 ;;\n'
                                 'esac')

    signer = SshKeygen(str(both), interactive=False).signer(Signed(statement=STATEMENT, signature="x"), NS,
                                                             tmp_path / "allowed")

    assert signer is not None
    assert (signer.principals, signer.fingerprint) == (("anna@corp.example", "anna"), "SHA256:AnnaKey0")


def test_a_passphrase_key_without_a_terminal_or_agent_should_say_to_add_it_to_ssh_agent(
    keygen: SshKeygen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    carol = make_person(tmp_path, "carol", passphrase="correct horse")
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)

    with pytest.raises(ConfigError) as refused:
        keygen.sign(STATEMENT, carol.key, NS)

    assert "is protected by a passphrase, which was not given" in str(refused.value)
    assert f"`ssh-add {carol.key}`" in str(refused.value)


@pytest.fixture
def ssh_agent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real ssh-agent of this test's own (stopped by its pid afterwards), as SSH_AUTH_SOCK."""
    socket = tmp_path / "agent.sock"
    started = subprocess.run(["ssh-agent", "-s", "-a", str(socket)], capture_output=True, text=True, check=True)
    pid = int(re.search(r"SSH_AGENT_PID=(\d+)", started.stdout).group(1))  # type: ignore[union-attr]
    monkeypatch.setenv("SSH_AUTH_SOCK", str(socket))
    yield socket
    os.kill(pid, signal.SIGTERM)


def test_a_passphrase_key_held_by_ssh_agent_should_sign_without_asking(
    keygen: SshKeygen, tmp_path: Path, ssh_agent: Path
) -> None:
    carol = make_person(tmp_path, "carol", passphrase="correct horse")
    askpass = tmp_path / "askpass"  # how a person's `ssh-add` gets the passphrase once, here without a terminal
    askpass.write_text("#!/bin/sh\necho 'correct horse'\n", encoding="utf-8")
    askpass.chmod(0o700)
    subprocess.run(["ssh-add", str(carol.key)], check=True, capture_output=True, stdin=subprocess.DEVNULL,
                   env={**os.environ, "SSH_ASKPASS": str(askpass), "SSH_ASKPASS_REQUIRE": "force"})

    signed = keygen.sign(STATEMENT, Path(f"{carol.key}.pub"), NS)  # only the public half: the agent signs

    assert keygen.key_of(signed, NS) == carol.fingerprint


def test_a_failed_verification_should_never_pass_for_a_signer_whatever_it_prints(tmp_path: Path) -> None:
    failing = fake_keygen(tmp_path, 'case "$*" in\n'
                                    '  *find-principals*) echo "anna" ;;\n'
                                    '  *) echo "Signature for anna with ED25519 key SHA256:AnnaKey0 failed"\n'
                                    '     exit 255 ;;\n'
                                    'esac')

    signed = Signed(statement=STATEMENT, signature="x")
    assert SshKeygen(str(failing), interactive=False).signer(signed, NS, tmp_path / "allowed") is None


def test_a_failed_check_should_name_no_key_whatever_it_prints(tmp_path: Path) -> None:
    failing = fake_keygen(tmp_path, 'echo "Signature with ED25519 key SHA256:AnnaKey0 failed"\nexit 255')

    assert SshKeygen(str(failing), interactive=False).key_of(Signed(statement=STATEMENT, signature="x"), NS) is None


def test_a_signature_with_letters_no_signature_has_should_be_refused_not_crash(keygen: SshKeygen, anna: Person,
                                                                               tmp_path: Path) -> None:
    signed = keygen.sign(STATEMENT, anna.key, NS)
    tampered = Signed(statement=STATEMENT, signature=signed.signature.replace("A", "Ж", 1))

    assert keygen.key_of(tampered, NS) is None
    assert keygen.signer(tampered, NS, write_allowed(tmp_path / "allowed", anna.line())) is None


def test_only_a_passphrase_should_be_asked_again(tmp_path: Path) -> None:
    broken = fake_keygen(tmp_path, "echo 'Load key \"k\": invalid format' >&2\nexit 255")

    with pytest.raises(ConfigError, match="invalid format"):
        SshKeygen(str(broken), interactive=True).sign(STATEMENT, tmp_path / "k", NS)
    assert calls(tmp_path) == 1, "a broken key is not a mistyped passphrase: no second try"


def test_a_signature_made_after_a_passphrase_prompt_should_be_taken_at_once(tmp_path: Path) -> None:
    prompted = fake_keygen(tmp_path, 'for arg in "$@"; do last="$arg"; done\n'
                                     "echo 'Enter passphrase:' >&2\n"
                                     'echo "-----BEGIN SSH SIGNATURE-----" > "$last.sig"')

    signed = SshKeygen(str(prompted), interactive=True).sign(STATEMENT, tmp_path / "k", NS)

    assert signed.signature == "-----BEGIN SSH SIGNATURE-----\n" and calls(tmp_path) == 1
