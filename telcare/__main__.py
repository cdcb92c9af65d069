"""``python -m telcare`` runs the CLI."""

from telcare.cli import app

app(prog_name="telcare")
