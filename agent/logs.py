"""loguru, configured once (by the CLI), with the redaction filter on every sink."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger

from agent.redact import redact

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
    return "<green>{time:HH:mm:ss}</green> <level>{level: <7}</level>" + where + " {message}\n{exception}"
