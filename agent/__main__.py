"""``python -m agent`` is ``ozon-rpa``."""

from agent.cli import app

app(prog_name="ozon-rpa")
