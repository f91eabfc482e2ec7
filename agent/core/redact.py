"""Keeping secrets out of every log line, report and error message.

Known secrets (one-time codes, cookie values) are registered as they appear; patterns catch the rest.
"""

from __future__ import annotations

import re
import threading

MASK = "***"
_PATTERNS = (
    re.compile(r"(?i)(\b(?:sid|session|cookie|csrf[_-]?token|x-csrf-token|password|passwd|otp|code)\b\s*[=:]\s*)"
               r"(\"?)[^\s\";,&]+"),
    re.compile(r"(?i)(\"(?:value|code|password|otp|csrf|sid)\"\s*:\s*\")[^\"]+"),
)


class Redactor:
    """Replaces registered secrets and secret-looking fragments with ``***``."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        """Register a secret value (only values of 4+ characters, so common words are not eaten)."""
        if secret and len(secret) >= 4:
            with self._lock:
                self._secrets.add(secret)

    def __call__(self, text: str) -> str:
        """The text with every secret masked."""
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, MASK)
        text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
        return _PATTERNS[1].sub(lambda m: f"{m.group(1)}{MASK}", text)


#: The process-wide redactor, used by the log filter and by every writer of reports.
redact = Redactor()
