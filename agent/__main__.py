"""``python -m agent`` is ``ozon-rpa``."""

from agent.cli.app import app

app(prog_name="ozon-rpa")
