"""Settings as every command of the command line loads them (``bot.cli``, ``bot.cli_backup``):
a bad setting is one Vietnamese line per setting on standard error and exit status
:data:`SETTINGS_EXIT`, never a traceback."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from bot.settings import Settings, settings_problems

SETTINGS_EXIT = 2
"""Exit status of a command refused for a bad setting (as for a bad command-line option)."""


def load_settings() -> Settings:
    """The settings from the environment and ``.env``; a bad one is answered with one
    Vietnamese line per setting (:func:`bot.settings.settings_problems`) on standard error and
    exit status :data:`SETTINGS_EXIT`."""
    try:
        return Settings()
    except ValidationError as error:
        for line in settings_problems(error):
            typer.echo(line, err=True)
        raise typer.Exit(SETTINGS_EXIT) from None
