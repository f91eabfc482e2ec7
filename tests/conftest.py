"""Shared fixtures: one real sandbox server per test process, a real Chromium, and the agent's settings.

pytest-playwright's fixtures (``page``, ``browser``, ...) launch the browser that ``agent.core.browser.choice`` finds.
The agent itself runs its own Playwright; inside pytest it does so in a worker thread
(:func:`run_in_thread`), because pytest-playwright's session keeps Playwright's loop on the main thread.
"""

from __future__ import annotations

import os
import shutil
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from agent.core.browser.choice import find_browser, launch_options
from agent.core.i18n import set_ui_lang
from agent.core.settings import Settings
from fixtures.sandbox.config import SandboxConfig
from fixtures.sandbox.server import SandboxServer
from fixtures.sandbox.skin import SKINS
from pages.profile import use_profile

T = TypeVar("T")
# No per-example deadline: a deadline is a timed assertion, and it fails on a loaded 2-core CI machine whatever
# the code does (speed is measured by bench/, never asserted). `make mutate` loads the same profile by name.
hypothesis_settings.register_profile("mutation", deadline=None)
hypothesis_settings.register_profile("suite", deadline=None)
hypothesis_settings.load_profile("suite")
DEFAULT_KNOBS = {"latency_ms": 0, "latency_jitter_ms": 0, "fail_rate": 0.0, "ack_loss_rate": 0.0,
                 "session_ttl": 86400, "antibot_rate": 0.0, "list_delay_ms": 0, "chat_subscription": True,
                 "save_mismatch_rate": 0.0, "save_mismatch": "drop", "hold_saves": False}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--portal-lang", default="ru", choices=("ru", "en", "zh"),
                     help="portal language for the flow suite (ru, en, zh)")
    parser.addoption("--live", action="store_true", default=False,
                     help="read-only mode for a real portal: never save, never send")
    parser.addoption("--replay", default=None, metavar="FILE",
                     help="flow suite: run the read-only flow tests offline against a capture (ozon-rpa capture --har)")
    parser.addoption("--skins", default=",".join(SKINS),
                     help="sandbox front ends to run the browser tests on, comma-separated: " + ", ".join(SKINS))


def skins_of(config: pytest.Config) -> list[str]:
    """The ``--skins`` asked for, in order (each a front end of the sandbox, see ``fixtures/sandbox/skin.py``)."""
    skins = [s.strip() for s in str(config.getoption("--skins")).split(",") if s.strip()]
    unknown = sorted(set(skins) - set(SKINS))
    if unknown or not skins:
        raise pytest.UsageError(f"--skins: expected a comma-separated list of {', '.join(SKINS)}, got {unknown}")
    return list(dict.fromkeys(skins))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "skins(*names): a test of these sandbox front ends only, whatever --skins says")
    config.addinivalue_line("markers", "every_skin: a test of what differs between front ends (finding, reading, "
                                       "masking): run on each of --skins")


#: The order tests are handed to the workers in: the slowest kinds first, so that the last minutes of a parallel run
#: are short tests filling the gaps, not one long test holding a core alone (longest first).
#: The two longest (a wheel installed into a fresh virtual environment; calibrate, then every command) come first.
LONGEST = ("test_seller_start.py", "test_shapes.py")
ORDER = ("/e2e/", "/flow/", "/sandbox/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the slowest first: tests marked ``slow``, then the browser tests, the QA flow, the sandbox's, the rest."""

    def rank(item: pytest.Item) -> int:
        if item.path.name in LONGEST:
            return 0
        if item.get_closest_marker("slow"):
            return 1
        path = str(item.path)
        return 2 + next((i for i, part in enumerate(ORDER) if part in path), len(ORDER))

    items.sort(key=rank)  # stable: within a rank, the files' own order


def spread_skin(nodeid: str, skins: list[str]) -> str:
    """The one front end a test that is not about front ends runs on: fixed per test, spread evenly over ``skins``."""
    return skins[zlib.crc32(nodeid.encode()) % len(skins)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give every test that uses the sandbox's front end (through ``skin``) its front ends.

    A test marked ``skins("modern")`` checks that front end itself: it runs on it whatever ``--skins`` says. One
    marked ``every_skin`` runs once per ``--skins`` entry: finding, reading, editing and masking are what differs
    between front ends (a drawer and a dialog, a page section edited in place). Any other test (a business rule, a
    resume, a journal) runs on one of them, the same one each time, the tests spread evenly over them: every skin
    carries a share of the whole suite, and the suite does not grow with each front end.
    """
    if "skin" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("skins")
        skins = skins_of(metafunc.config)
        if marker:
            skins = list(marker.args)
        elif not metafunc.definition.get_closest_marker("every_skin"):
            skins = [spread_skin(metafunc.definition.nodeid, skins)]
        metafunc.parametrize("skin", skins, ids=skins, indirect=True)


@pytest.fixture
def skin(request: pytest.FixtureRequest) -> str:
    """The sandbox front end this test runs on (``classic``, ``modern`` or ``inline``), from ``--skins``."""
    return str(getattr(request, "param", "classic"))


#: The portal profile each front end needs (what calibrate writes for it): the inline skin words its title and
#: some controls otherwise than pages/labels.py does, as a live portal may.
PROFILES = {"inline": Path(__file__).parent / "profiles" / "inline.toml"}


def profile_of(skin: str) -> Path | None:
    """The portal profile of a sandbox front end (None: the label tables as shipped are enough)."""
    return PROFILES.get(skin)


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English whatever the machine's locale (LANG=zh_CN would otherwise translate every message,
    in this process and in the CLI processes tests start); a test that wants another language sets it."""
    monkeypatch.setenv("OZON_RPA_UI_LANG", "en")
    set_ui_lang("en")
    yield
    set_ui_lang("en")  # the language is process-wide: leave none behind for the next test


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch whichever Chromium the agent finds (Playwright's own or the system's)."""
    return {**browser_type_launch_args, **launch_options(find_browser())}


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    """One real sandbox back-office (uvicorn + SQLite file) per test process."""
    with SandboxServer(SandboxConfig()) as server:
        yield server


class Oracle:
    """The sandbox's ``/_sandbox/`` API, for tests only (the agent never calls it)."""

    def __init__(self, url: str) -> None:
        self.url = url
        # A fresh connection per call: the server drops a kept-alive one after 5 idle seconds (uvicorn's default),
        # and a call that reuses it just then reads a reset (seen once after a 10 s calibrate).
        self.http = httpx.Client(base_url=url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0))
        #: The front end shown (the last ``reset`` chose it).
        self.skin = "classic"

    def reset(self, skin: str = "classic") -> None:
        """Re-seed the data, restore every knob and label, and show the front end ``skin``."""
        self.http.post("/_sandbox/reset").raise_for_status()
        self.configure(**DEFAULT_KNOBS, skin=skin)
        self.skin = skin

    def configure(self, **knobs: Any) -> dict[str, Any]:
        """Change knobs at run time."""
        response = self.http.post("/_sandbox/config", json=knobs)
        response.raise_for_status()
        return dict(response.json())

    def posting(self, number: str) -> dict[str, Any]:
        """The true state of one posting (with tracking history and messages)."""
        response = self.http.get(f"/_sandbox/postings/{number}")
        response.raise_for_status()
        return dict(response.json())

    def postings(self, **query: Any) -> list[dict[str, Any]]:
        """Postings filtered by ``editable``, ``status``, ``limit``."""
        response = self.http.get("/_sandbox/postings", params={k: str(v).lower() if isinstance(v, bool) else v
                                                                for k, v in query.items()})
        response.raise_for_status()
        data = response.json()
        return list(data["postings"] if isinstance(data, dict) else data)

    def expire_sessions(self, after_pages: int = 0) -> None:
        """End every session now, or right after the next ``after_pages`` pages are served."""
        self.http.post("/_sandbox/expire-sessions", json={"after_pages": after_pages}).raise_for_status()

    def set_label(self, lang: str, key: str, text: str) -> None:
        """Change one visible label (to test UI-drift detection)."""
        self.http.post("/_sandbox/labels", json={"lang": lang, "key": key, "text": text}).raise_for_status()


@pytest.fixture
def sandbox(sandbox_server: SandboxServer, skin: str) -> Iterator[Oracle]:
    """The sandbox, freshly re-seeded with default knobs, on the test's front end (``skin``), and its oracle.

    The front end's portal profile is installed for the test (page objects used directly read it too).
    """
    oracle = Oracle(sandbox_server.url)
    oracle.reset(skin)
    use_profile(profile_of(skin))
    yield oracle
    use_profile(None)
    oracle.http.close()


@pytest.fixture(scope="session")
def signed_in_state(sandbox_server: SandboxServer, tmp_path_factory: pytest.TempPathFactory,
                    pytestconfig: pytest.Config) -> Path:
    """A browser state signed in to the sandbox, made once per process by the agent itself (first of ``--skins``)."""
    from agent.runner import workbench

    oracle = Oracle(sandbox_server.url)
    oracle.configure(skin=skins_of(pytestconfig)[0])
    oracle.http.close()
    state_dir = tmp_path_factory.mktemp("signed-in")
    settings = Settings(base_url=sandbox_server.url, state_dir=state_dir, otp_source="sandbox", _env_file=None)

    def sign_in() -> None:
        with workbench(settings):
            pass

    run_in_thread(sign_in)
    return settings.storage_state_path


@pytest.fixture
def agent_settings(sandbox: Oracle, tmp_path: Path, signed_in_state: Path) -> Settings:
    """Settings for the agent against the sandbox, already signed in, with quick retries."""
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    shutil.copy(signed_in_state, state_dir / "storage-state.json")
    return Settings(base_url=sandbox.url, state_dir=state_dir, otp_source="sandbox", retry_backoff_s=0.05,
                    timeout_ms=10_000, portal_profile=profile_of(sandbox.skin), _env_file=None)


def process_env(settings: Settings) -> dict[str, str]:
    """The environment of an ``ozon-rpa`` process against the test's sandbox: this one's, without any ``OZON_RPA_*``
    of the machine, plus the settings that matter (the front end's portal profile included)."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("OZON_RPA_")}
    env = {**keep, "OZON_RPA_BASE_URL": settings.base_url, "OZON_RPA_STATE_DIR": str(settings.state_dir),
           "OZON_RPA_OTP_SOURCE": "sandbox", "OZON_RPA_RETRY_BACKOFF_S": str(settings.retry_backoff_s),
           "PYTHONUNBUFFERED": "1"}
    if settings.portal_profile is not None:
        env["OZON_RPA_PORTAL_PROFILE"] = str(settings.portal_profile)
    return env


def run_in_thread(fn: Callable[[], T]) -> T:
    """Run ``fn`` in a fresh thread (own Playwright) and return its result or raise its error."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn()
        except BaseException as err:  # noqa: BLE001 - re-raised on the test's thread
            box["error"] = err

    thread = threading.Thread(target=target, name="agent")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


@pytest.fixture
def cli(agent_settings: Settings) -> Callable[..., Any]:
    """Invoke ``ozon-rpa`` in-process (in a thread) with the agent's sandbox settings in the environment."""
    runner = CliRunner()
    env = {"OZON_RPA_BASE_URL": agent_settings.base_url, "OZON_RPA_STATE_DIR": str(agent_settings.state_dir),
           "OZON_RPA_OTP_SOURCE": "sandbox", "OZON_RPA_RETRY_BACKOFF_S": "0.05", "OZON_RPA_TIMEOUT_MS": "10000"}
    if agent_settings.portal_profile is not None:
        env["OZON_RPA_PORTAL_PROFILE"] = str(agent_settings.portal_profile)

    def invoke(*args: str, env_extra: dict[str, str | None] | None = None, input: str | None = None) -> Any:
        from agent.cli.app import app

        return run_in_thread(lambda: runner.invoke(app, list(args), env={**env, **(env_extra or {})}, input=input))

    return invoke
