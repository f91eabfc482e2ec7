"""loguru, configured once (by the CLI), with the redaction filter on every sink."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from agent.core.i18n import pgettext
from agent.core.redact import redact

if TYPE_CHECKING:
    from loguru import Record


def _scrub(record: Record) -> bool:
    record["message"] = redact(record["message"])
    return True


def configure_logging(level: str = "INFO", log_file: Path | None = None) -> None:
    """Send logs to stderr (and a file), secrets masked. Call once, at the entry point."""
    logger.remove()
    logger.configure(extra={})
    logger.add(sys.stderr, level=level, filter=_scrub, format=_console_format, colorize=None)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        logger.add(log_file, level="DEBUG", filter=_scrub, format="{time} {level} {extra} {message}\n",
                   encoding="utf-8")


def _console_format(record: Record) -> str:
    where = " [{extra[posting]}]" if "posting" in record["extra"] else ""
    # The level as a person reads it (the log file keeps loguru's own names); padded to line messages up.
    label = _level_label(record["level"].name)
    pad = " " * max(1, 8 - sum(2 if ord(c) > 0x2E80 else 1 for c in label))  # CJK characters take two columns
    return "<green>{time:HH:mm:ss}</green> <level>" + label + "</level>" + pad + where.lstrip() + (
        " " if where else "") + "{message}\n{exception}"


def _level_label(name: str) -> str:
    """A log level's name in the operator's language (unknown levels as they are)."""
    labels = {"TRACE": pgettext("log level", "TRACE"), "DEBUG": pgettext("log level", "DEBUG"),
              "INFO": pgettext("log level", "INFO"), "SUCCESS": pgettext("log level", "SUCCESS"),
              "WARNING": pgettext("log level", "WARNING"), "ERROR": pgettext("log level", "ERROR"),
              "CRITICAL": pgettext("log level", "CRITICAL")}
    return labels.get(name, name)
