"""``ozon-rpa capture --har``: one zip a seller can attach to a bug report, with nothing in it that must not leave.

It signs in afresh (so the one-time code and the session cookie pass through the recorded traffic), walks the
list, a drawer and the tracking dialog (cancelled), and the zip must hold none of: the session cookie, the CSRF
token, the one-time code, the buyer's name or phone. Its ARIA snapshots show the labels the page objects use.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from fixtures.sandbox.i18n import Labels as SandboxLabels
from tests.conftest import Oracle

pytestmark = pytest.mark.e2e


def capture(cli: Callable[..., Any], tmp_path: Path) -> tuple[Path, Path]:
    """Run ``capture --har`` signed out (a fresh sign-in); the zip and the state directory."""
    state_dir = tmp_path / "fresh"
    state_dir.mkdir()
    bundle = tmp_path / "bug.zip"
    result = cli("capture", "--har", "-o", str(bundle), env_extra={"OZON_RPA_STATE_DIR": str(state_dir)})
    assert result.exit_code == 0, result.output
    return bundle, state_dir


def test_capture_should_write_one_private_zip_without_secrets_or_buyer_data(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path
) -> None:
    bundle, state_dir = capture(cli, tmp_path)

    assert stat.S_IMODE(bundle.stat().st_mode) == 0o600
    cookies = json.loads((state_dir / "storage-state.json").read_text())["cookies"]
    sid = next(c["value"] for c in cookies if c["name"] == "sid")
    page = httpx.get(f"{sandbox.url}/app/postings/crossborder/fbs", cookies={"sid": sid})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert csrf, "the list page carries a CSRF token"
    code = sandbox.http.get("/_sandbox/outbox").json()["messages"][-1]["code"]
    meta_posting = json.loads(zipfile.ZipFile(bundle).read("capture.json"))["posting"]
    truth = sandbox.posting(meta_posting)
    shown = sandbox.postings(limit=50)
    buyers = {p["buyer_name"] for p in shown} | {truth["buyer_name"]}
    with zipfile.ZipFile(bundle) as archive:
        assert {"aria/list.yml", "aria/drawer.yml", "aria/dialog.yml", "session.har", "capture.json"} <= set(
            archive.namelist())
        members = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    raw = bundle.read_bytes()
    for secret in (sid, csrf[1]):
        assert secret.encode() not in raw
        assert not [name for name, text in members.items() if secret in text], "a secret in the bundle"
    har = json.loads(members["session.har"])
    code_posts = [e["request"].get("postData", {}).get("text", "") for e in har["log"]["entries"]
                  if e["request"]["url"].endswith("/signin/code") and e["request"]["method"] == "POST"]
    assert code_posts, "the sign-in was recorded"
    assert all(code not in text for text in code_posts)
    assert not [name for name, text in members.items() if f"код для входа {code}" in text or f"code={code}" in text]
    for person in (*buyers, truth["buyer_phone"], truth["address"]):
        assert not [name for name, text in members.items() if person in text], f"buyer data {person!r} in the bundle"


def test_capture_should_keep_aria_snapshots_with_the_labels_the_page_objects_use(
    cli: Callable[..., Any], sandbox: Oracle, tmp_path: Path
) -> None:
    bundle, _ = capture(cli, tmp_path)

    t = SandboxLabels().table("ru", sandbox.skin)  # the words this front end shows
    with zipfile.ZipFile(bundle) as archive:
        aria = {name: archive.read(f"aria/{name}.yml").decode("utf-8") for name in ("list", "drawer", "dialog")}
    assert t["col.posting_number"] in aria["list"] and t["col.tracking_number"] in aria["list"]
    assert t["drawer.edit_tracking"] in aria["drawer"] and t["field.tracking_number"] in aria["drawer"]
    assert t["dialog.save"] in aria["dialog"] and t["dialog.cancel"] in aria["dialog"]
    assert "[redacted]" in aria["drawer"]
    posting = json.loads(zipfile.ZipFile(bundle).read("capture.json"))["posting"]
    assert sandbox.posting(posting)["save_count"] == 0, "capture never saves"
