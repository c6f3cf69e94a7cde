"""Errors of the application shell."""

from __future__ import annotations

from domain.errors import DomainError


class ConfigurationError(DomainError):
    """A setting the bot cannot run with (a token the platform refuses, a malformed secret).

    Raised at start (or when a platform starts refusing the token); the command line prints
    ``user_message`` (Vietnamese, naming the setting) and exits with status 1, no traceback.
    """
