"""Domain errors: our own exceptions, each carrying the Vietnamese text a user is shown.

The edge (a conversation step, the command line) catches :class:`DomainError` and shows
``user_message``; nothing else about the error reaches the user.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user may cause; ``user_message`` is Vietnamese and ready to show."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message
