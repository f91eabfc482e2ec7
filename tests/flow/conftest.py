"""The QA regression flow: the back-office walked through the page objects, on the sandbox or on any stand.

Where it runs, and what it may do there:

* no ``--base-url``: the in-process sandbox of this test process; everything runs.
* a loopback ``--base-url`` (a sandbox a QA engineer started): everything runs; the sandbox is reset through
  its oracle before each test and the one-time code is read from its outbox.
* any other ``--base-url``, or ``--live``: read-only. Tests marked ``writes`` (save, send) are skipped; the
  session comes from the storage state named by ``OZON_RPA_FLOW_STATE`` (made with ``ozon-rpa login``),
  and without one the suite skips, saying so.
* ``--replay FILE`` (a zip of ``ozon-rpa capture --har``, or a bare HAR): offline and read-only. Every page and
  API call is answered from the recorded traffic (Playwright's ``route_from_har``, anything not recorded is
  aborted); the portal need not be reachable. Only the walks the capture made can be replayed: the drawer and
  the tracking dialog of the posting it opened (``test_posting.py``, ``test_dialog.py``).
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from agent.core.browser.otp import CodeSource, sandbox_code_source
from agent.core.settings import Settings
from pages.postings_list import PostingsListPage
from pages.profile import use_profile
from scenarios.login import sign_in
from scenarios.portal import Portal
from tests.conftest import Oracle, profile_of, skins_of

STATE_ENV = "OZON_RPA_FLOW_STATE"
SELLER_LOGIN = "+7 900 000-00-00"
#: The sandbox's ``lang`` cookie for each of our label tables.
LANG_COOKIE = {"ru": "ru", "en": "en", "zh": "zh-Hans"}
FLOW_DIR = Path(__file__).parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "writes: saves or sends on the target; skipped with --live or off loopback")


@dataclass(frozen=True)
class Replay:
    """A captured session to answer every request from: the HAR, and where and in which language it was made."""

    har: Path
    base_url: str
    lang: str


def load_replay(path: Path, scratch: Path) -> Replay:
    """The HAR of a capture zip (``session.har`` + ``capture.json``), or a bare HAR (its first page's origin)."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as bundle:
            names = bundle.namelist()
            if "session.har" not in names:
                raise pytest.UsageError(f"--replay {path}: no session.har in it (capture with --har)")
            har = scratch / "session.har"
            har.write_bytes(bundle.read("session.har"))
            meta = json.loads(bundle.read("capture.json")) if "capture.json" in names else {}
    else:
        har, meta = path, {}
    if not meta.get("base_url"):
        entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
        first = str(entries[0]["request"]["url"]) if entries else ""
        meta["base_url"] = "/".join(first.split("/")[:3])
    return Replay(har, str(meta["base_url"]).rstrip("/"), str(meta.get("lang", "ru")))


@pytest.fixture(scope="session")
def replay(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Replay | None:
    """The capture given by ``--replay``, or None."""
    given = pytestconfig.getoption("--replay")
    if not given:
        return None
    path = Path(str(given))
    if not path.is_file():
        raise pytest.UsageError(f"--replay {path}: no such file")
    return load_replay(path, tmp_path_factory.mktemp("replay"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests that write when the target is read-only (``--live``, ``--replay``, or not a loopback sandbox)."""
    base_url = config.getoption("base_url")
    if config.getoption("--replay"):
        why = "--replay is offline and read-only: the recorded traffic cannot save or send"
        for item in items:
            if FLOW_DIR in Path(str(item.fspath)).parents and (
                    item.get_closest_marker("writes") or "sandbox" in getattr(item, "fixturenames", ())):
                item.add_marker(pytest.mark.skip(reason=why))
        return
    if config.getoption("--live"):
        why = "--live is read-only: never saves, never sends"
    elif base_url and not Settings(base_url=base_url, _env_file=None).is_loopback:
        why = f"{base_url} is not a loopback sandbox: the flow only reads there (use --live)"
    else:
        return
    for item in items:
        if item.get_closest_marker("writes") and FLOW_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=why))


@dataclass(frozen=True)
class Target:
    """The stand under test and what the suite may do there."""

    base_url: str
    lang: str
    live: bool
    loopback: bool
    replay: Replay | None = None

    @property
    def read_only(self) -> bool:
        return self.live or not self.loopback or self.replay is not None


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config, request: pytest.FixtureRequest, replay: Replay | None) -> str:
    """``--base-url`` when given, the captured portal's with ``--replay``, else this process's sandbox
    (overrides pytest-playwright's ``base_url``)."""
    if replay is not None:
        return replay.base_url
    given = pytestconfig.getoption("base_url")
    if given:
        return str(given).rstrip("/")
    return str(request.getfixturevalue("sandbox_server").url)


@pytest.fixture(scope="session")
def target(base_url: str, pytestconfig: pytest.Config, replay: Replay | None) -> Target:
    if replay is not None:  # recorded traffic: no sandbox to reset or ask, nothing to sign in to
        return Target(base_url, replay.lang, True, False, replay)
    loopback = Settings(base_url=base_url, _env_file=None).is_loopback
    return Target(base_url, str(pytestconfig.getoption("--portal-lang")), bool(pytestconfig.getoption("--live")),
                  loopback)


@pytest.fixture
def oracle(target: Target, skin: str, pytestconfig: pytest.Config) -> Iterator[Oracle | None]:
    """The sandbox's oracle, reset to the test's front end (``skin``), when the target is a loopback sandbox.

    Elsewhere None: the stand shows its own front end, so the test runs once (for the first of ``--skins``).
    """
    if not target.loopback:
        if skin != skins_of(pytestconfig)[0]:
            pytest.skip("a remote stand has its own front end: the flow runs once there")
        use_profile(Settings(_env_file=None).portal_profile)  # the stand's profile: OZON_RPA_PORTAL_PROFILE
        yield None
        use_profile(None)
        return
    truth = Oracle(target.base_url)
    truth.reset(skin)
    use_profile(profile_of(skin))  # the front end's portal profile, as calibrate writes it
    yield truth
    use_profile(None)
    truth.http.close()


@pytest.fixture
def sandbox_oracle(oracle: Oracle | None) -> Oracle:
    """The oracle, for the tests that compare the portal with the sandbox's truth (skipped elsewhere)."""
    if oracle is None:
        pytest.skip("compares with the sandbox's truth: needs a loopback sandbox target")
    return oracle


@pytest.fixture
def flow_settings(target: Target, tmp_path: Path) -> Settings:
    """The agent's settings for the target (its state folder is the test's own; its host is allowed)."""
    settings = Settings(base_url=target.base_url, state_dir=tmp_path / "state",
                        lang=target.lang,  # type: ignore[arg-type]
                        otp_source="sandbox" if target.loopback else "prompt", _env_file=None)
    if settings.host not in settings.allowed_hosts:
        settings = settings.model_copy(update={"allowed_hosts": (*settings.allowed_hosts, settings.host)})
    return settings


@pytest.fixture
def code_source(flow_settings: Settings, target: Target) -> CodeSource | None:
    """Where a one-time code comes from: the sandbox outbox on loopback; elsewhere (and replaying) nobody."""
    return sandbox_code_source(flow_settings) if flow_settings.is_loopback and target.replay is None else None


@pytest.fixture(scope="session")
def flow_state(browser: Browser, target: Target, tmp_path_factory: pytest.TempPathFactory,
               pytestconfig: pytest.Config) -> Path:
    """A signed-in browser state: ``OZON_RPA_FLOW_STATE``, or on loopback one signing-in made here, once.

    Replaying, an empty one: the recorded answers need no session (and the capture's cookies are redacted).
    """
    if target.replay is not None:
        path = tmp_path_factory.mktemp("replay-state") / "storage-state.json"
        path.write_text(json.dumps({"cookies": [], "origins": []}), encoding="utf-8")
        return path
    given = os.environ.get(STATE_ENV)
    if given:
        if not Path(given).is_file():
            pytest.skip(f"{STATE_ENV}={given} is not a file")
        return Path(given)
    if not target.loopback:
        pytest.skip(f"{target.base_url} needs a signed-in state: run 'ozon-rpa login --interactive' against it "
                    f"and set {STATE_ENV} to its storage-state.json")
    settings = Settings(base_url=target.base_url, otp_source="sandbox", lang=target.lang,  # type: ignore[arg-type]
                        _env_file=None)
    truth = Oracle(target.base_url)
    truth.configure(skin=skins_of(pytestconfig)[0])  # sign in on the first front end asked for
    truth.http.close()
    context = browser.new_context()
    try:
        context.add_cookies([{"name": "lang", "value": LANG_COOKIE[target.lang], "url": target.base_url}])
        page = context.new_page()
        page.goto(PostingsListPage.url(target.base_url, settings.postings_path))
        sign_in(page, SELLER_LOGIN, sandbox_code_source(settings), target.lang)
        path = tmp_path_factory.mktemp("flow-state") / "storage-state.json"
        context.storage_state(path=path)
    finally:
        context.close()
    return path


def add_lang_cookie(context: Any, target: Target) -> None:
    """Show the sandbox in the suite's language (a stand keeps the account's own language)."""
    if target.loopback:
        context.add_cookies([{"name": "lang", "value": LANG_COOKIE[target.lang], "url": target.base_url}])


@pytest.fixture
def flow_page(new_context: Any, flow_state: Path, target: Target, oracle: Oracle | None) -> Page:
    """A signed-in page on the target, in ``--portal-lang`` (artifacts kept as pytest-playwright's flags say)."""
    context = new_context(storage_state=flow_state)
    if target.replay is not None:
        # Offline: every request is answered from the capture; one it does not hold fails (never the network).
        context.route_from_har(target.replay.har, not_found="abort")
    add_lang_cookie(context, target)
    page: Page = context.new_page()
    return page


@pytest.fixture
def portal(flow_page: Page, flow_settings: Settings, code_source: CodeSource | None) -> Portal:
    """The agent's navigation (sign-in pages, anti-bot page, allowed hosts) on the flow's page."""
    return Portal(flow_page, flow_settings, code_source)
