"""The one settings object, built at the entry point and passed down.

Every option can come from the command line, from ``OZON_RPA_*`` environment variables or from a ``.env``
file; nothing else in the project reads ``os.environ``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from agent.core.i18n import language_of_locale, windows_display_locale

Lang = Literal["ru", "en", "zh"]
OtpSource = Literal["prompt", "sandbox"]

#: Hosts of the real portal and of Ozon ID, plus loopback (the sandbox).
DEFAULT_ALLOWED_HOSTS = ("seller.ozon.ru", "id.ozon.ru", "ozon.ru", "127.0.0.1", "localhost", "::1")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseSettings):
    """Everything the agent needs to know about where and how to work."""

    model_config = SettingsConfigDict(
        env_prefix="OZON_RPA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    base_url: str = "http://127.0.0.1:8400"
    cabinet: Literal["fbs", "crossborder"] = "fbs"
    state_dir: Path = Path(".ozon-rpa")
    login: str = "+7 900 000-00-00"
    #: The company to act for when the account has several (its name or its id, as the company choice shows
    #: them after the code); sign-in never guesses: with several companies and none set, it stops.
    company: str = ""
    otp_source: OtpSource = "prompt"
    #: An operator's one-time code given up front (rarely useful; prefer ``prompt``).
    otp_code: SecretStr | None = None
    headless: bool = True
    browser_path: Path | None = None
    #: A remote browser (``ws://host:port/`` of ``playwright run-server`` or a browser farm); this host drives it.
    browser_endpoint: str | None = None
    #: The Chromium to launch on that remote host (needs ``playwright run-server --unsafe`` there).
    remote_browser_path: str | None = None
    lang: Lang = "ru"
    #: The operator's language (messages, reports); unset: the system locale's, then the portal's.
    ui_lang: Lang | None = None
    #: The buyer's language (chat notices): buyers on Ozon read Russian, whatever the portal's or the operator's.
    notice_lang: Lang = "ru"
    #: The system locale, read here because nothing else reads the environment (see ``ui_language``).
    locale_all: str = Field(default="", validation_alias="LC_ALL")
    locale_messages: str = Field(default="", validation_alias="LC_MESSAGES")
    locale_lang: str = Field(default="", validation_alias="LANG")
    operator: str = Field(default="", description="who runs the agent; defaults to the OS user")
    timeout_ms: int = Field(default=15_000, ge=1_000, description="one global timeout for every wait")
    save_timeout_ms: int = Field(default=30_000, ge=1_000)
    slow_mo_ms: int = Field(default=0, ge=0)
    retries: int = Field(default=3, ge=1, le=10, description="attempts per posting for portal failures")
    retry_backoff_s: float = Field(default=1.0, ge=0, description="first back-off between retries, doubling")
    circuit_breaker: int = Field(default=5, ge=1, description="portal failures in a row that stop a run")
    screenshots: bool = True
    context_recycle: int = Field(default=10, ge=1, description="bulk: a fresh browser context every N postings")
    traces: bool = Field(default=True, description="trace a posting from its first retry on; kept only on failure")
    allowed_hosts: Annotated[tuple[str, ...], NoDecode] = DEFAULT_ALLOWED_HOSTS
    #: Check the first contact with the portal with a plain HTTP client before any browser starts. Turn it off
    #: only where a browser reaches the portal in a way this check cannot (a PAC file, a fingerprinting gateway).
    portal_check: bool = True
    require_approval: bool = False
    four_eyes: bool = False
    #: Signed four-eyes (bulk): who may sign plans and approvals (an allowed-signers file, git's format: a
    #: principal, then a public key); the user's own SSH key that ``bulk plan`` and ``bulk approve`` sign with
    #: (a private key, or the ``.pub`` of one that ssh-agent holds); and the ssh-keygen to run.
    allowed_signers: Path | None = None
    signing_key: Path | None = None
    ssh_keygen: str = "ssh-keygen"
    templates_dir: Path | None = None
    stuck_days: int = Field(default=10, ge=1, description="watch: days in one status that count as stuck")
    #: Bulk apply warns about a plan whose postings were read longer ago than this, and refuses one read
    #: longer ago than ``plan_max_age_h`` (plan again): a week covers a plan approved on Friday and applied
    #: after a long weekend; older reads mostly turn into "changed since the plan" rejections.
    plan_warn_age_h: float = Field(default=24.0, gt=0, description="bulk: warn about plans older than this")
    plan_max_age_h: float = Field(default=168.0, gt=0, description="bulk: refuse plans older than this")
    #: Bulk: let each worker's Chromium write its NetLog (a temporary file, ~100 KB a posting, deleted when the
    #: worker ends) to learn when the browser itself re-sent a save; Playwright's events cannot see that.
    count_resends: bool = True
    #: The user's portal profile (TOML): their own labels and locators for the portal (``pages/profile.py``).
    portal_profile: Path | None = None
    #: Where alerts go (``agent/alerts``): one or more Apprise URLs (Telegram, WeCom, DingTalk, Feishu, e-mail,
    #: JSON webhooks, ...), separated by spaces or commas. A secret: URLs carry tokens, so only each one's service
    #: and host are ever shown. Unset: no alerts.
    alert_urls: SecretStr | None = None
    #: The longest a command waits at its end for its alerts to go out, retries included; an alert still on its
    #: way then is given up and reported as not delivered (the run's outcome and exit code never depend on it).
    alert_timeout_s: float = Field(default=15.0, gt=0, le=300, description="alerts: wait at most this long")

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(h.strip().lower() for h in value.split(",") if h.strip())
        return value

    @field_validator("allowed_signers", "signing_key", mode="before")
    @classmethod
    def _expand_home(cls, value: object) -> object:
        if isinstance(value, str | Path) and not str(value).strip():
            return None  # `OZON_RPA_SIGNING_KEY=` (empty) means none, not the current folder
        return Path(value).expanduser() if isinstance(value, str | Path) else value  # `~/.ssh/...` as in a .env

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def ui_language(self) -> str:
        """The operator's language: ``ui_lang``, else the system locale's (the first set of LC_ALL, LC_MESSAGES,
        LANG, as POSIX orders them; on Windows, which sets none, its display language) when it is one we speak,
        else the portal's."""
        system = next((v for v in (self.locale_all, self.locale_messages, self.locale_lang) if v.strip()), "")
        system = system or windows_display_locale()
        return self.ui_lang or language_of_locale(system) or self.lang

    @property
    def host(self) -> str:
        """The host name of the target portal."""
        return (urlsplit(self.base_url).hostname or "").lower()

    @property
    def is_loopback(self) -> bool:
        """True when the target is this machine (the sandbox)."""
        return self.host in LOOPBACK_HOSTS or self.host.startswith("127.")

    @property
    def postings_path(self) -> str:
        """Path of the orders list for the configured cabinet."""
        return "/app/postings/crossborder/fbs" if self.cabinet == "crossborder" else "/app/postings/fbs"

    @property
    def storage_state_path(self) -> Path:
        """Where the saved browser state (cookies) lives; a secret, mode 0600."""
        return self.state_dir / "storage-state.json"

    @property
    def journal_path(self) -> Path:
        """The SQLite journal of runs and changes."""
        return self.state_dir / "journal.sqlite"

    @property
    def runs_dir(self) -> Path:
        """Folder of the runs' evidence and reports."""
        return self.state_dir / "runs"
