"""``ozon-rpa``: one module per command group; the Typer app is assembled in ``agent.cli.app``."""
