"""Translation of user-visible text (gettext catalogs through Babel).

Message ids are the Vietnamese texts themselves: Vietnamese is the product's first language
(DESIGN.md, "Standards"), so locale ``vi`` needs no catalog and another locale (English second)
is a catalog under ``domain/locales/<locale>/LC_MESSAGES/messages.mo``, made with
``make messages`` (see the README). A missing catalog falls back to Vietnamese.

The language of a message is a context variable: :func:`use_locale` sets it for the rest of
the current context (the office's ``REPORTBOT_LOCALE``, at start), :func:`translating` for a
block (one person's message, :func:`answer_locale` choosing from their app's language).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).parent / "locales"
VIETNAMESE = "vi"

_VIETNAMESE = NullTranslations()
_active: ContextVar[_gettext.NullTranslations | None] = ContextVar("translations", default=None)


@cache
def _catalog(locale: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``locale`` (read once), or Vietnamese when there is none."""
    if locale == VIETNAMESE:
        return _VIETNAMESE
    found = Translations.load(str(LOCALES), [locale])
    return found if isinstance(found, Translations) else _VIETNAMESE


@cache
def available_locales() -> frozenset[str]:
    """``vi`` and every locale with a compiled catalog (``en``), looked up once."""
    shipped = {path.parents[1].name for path in LOCALES.glob("*/LC_MESSAGES/messages.mo")}
    return frozenset({VIETNAMESE, *shipped})


def use_locale(locale: str) -> None:
    """Make ``locale`` the language of messages produced in the current context."""
    _active.set(_catalog(locale))


@contextmanager
def translating(locale: str) -> Iterator[None]:
    """Messages produced inside the block are in ``locale``; the language before is restored
    after it."""
    token = _active.set(_catalog(locale))
    try:
        yield
    finally:
        _active.reset(token)


def answer_locale(language_code: str, office_locale: str, by_person: bool) -> str:
    """The language to answer a person in: the office's ``REPORTBOT_LOCALE``, or, when
    ``REPORTBOT_PERSON_LOCALE`` allows it (``by_person``), the language of the person's app
    (Telegram's ``language_code``: ``en``, ``en-US``, ``vi``) if the bot has it."""
    if by_person and language_code:
        wanted = language_code.replace("_", "-").split("-")[0].lower()
        if wanted in available_locales():
            return wanted
    return office_locale


def _(message: str) -> str:
    """Translate ``message`` (a Vietnamese message id) into the active locale."""
    return (_active.get() or _VIETNAMESE).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now: a table's text, translated
    with :func:`_` where it is shown (Babel extracts ``N_`` by default)."""
    return message
