"""Translation of user-visible text (gettext catalogs through Babel).

Message ids are the Vietnamese texts themselves: Vietnamese is the product's first language
(DESIGN.md, "Standards"), so locale ``vi`` needs no catalog and another locale (English second)
is a catalog under ``domain/locales/<locale>/LC_MESSAGES/messages.mo``, extracted with
``pybabel extract`` (see the README). A missing catalog falls back to Vietnamese.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES = Path(__file__).parent / "locales"

_VIETNAMESE = NullTranslations()
_active: ContextVar[_gettext.NullTranslations | None] = ContextVar("translations", default=None)


def use_locale(locale: str) -> None:
    """Make ``locale`` the language of messages produced in the current context."""
    _active.set(Translations.load(str(LOCALES), [locale]) if locale != "vi" else _VIETNAMESE)


def _(message: str) -> str:
    """Translate ``message`` (a Vietnamese message id) into the active locale."""
    return (_active.get() or _VIETNAMESE).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now: a table's text, translated
    with :func:`_` where it is shown (Babel extracts ``N_`` by default)."""
    return message
