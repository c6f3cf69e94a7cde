"""Signing in to the office's web page without a password (issue 17).

An office user sends ``/web`` to the bot (or the server's administrator runs ``reportbot
web-link --office``) and gets a one-time link, valid :data:`LOGIN_VALID`, that opens a browser
session. The session's token lives in an HttpOnly cookie; it ends after :data:`IDLE` without a
request, or when the person signs out. Only SHA-256 hashes of both tokens are stored, so a copy
of the database opens nothing. Every page and action checks that the person is still an office
user; every form carries the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.i18n import _
from storage.models import Reporter, WebLogin, WebSession

LOGIN_VALID = timedelta(minutes=10)
"""How long a sign-in link opens a session (issue 17)."""
IDLE = timedelta(hours=12)
"""A session ends after this long without a request (issue 17)."""
TOUCH_EVERY = timedelta(minutes=1)
"""``last_seen_at`` is written at most this often (a page view is not a write otherwise)."""
LOGIN_PATH = "/web/dang-nhap/"
ADMINISTRATOR = "Quản trị máy chủ"
"""The office user ``reportbot web-link --office`` signs in as (made on first use)."""


class SignInRefused(DomainError):
    """A sign-in link that opens nothing; the Vietnamese message says why and what to do."""


class NotOffice(DomainError):
    """The person is not (or no longer) an office user."""

    def __init__(self) -> None:
        super().__init__(_("Trang web này chỉ dành cho văn phòng."))


@dataclass(frozen=True)
class SignedIn:
    """A live session: who, the CSRF token of its forms, and its id."""

    session_id: int
    reporter: Reporter
    csrf: str


def digest(token: str) -> str:
    """The stored form of a token: SHA-256, hex (64 characters)."""
    return hashlib.sha256(token.encode()).hexdigest()


def login_url(base_url: str, token: str) -> str:
    """The link that opens a session: ``<base>/web/dang-nhap/<token>``."""
    return base_url.rstrip("/") + LOGIN_PATH + token


async def administrator(session: AsyncSession, now: datetime) -> Reporter:
    """The server administrator's office account (:data:`ADMINISTRATOR`, no phone, no chat),
    made on first use: whoever runs the command line on the server is the office."""
    found = await session.scalar(
        select(Reporter)
        .where(
            Reporter.full_name == ADMINISTRATOR,
            Reporter.is_office.is_(True),
            Reporter.phone.is_(None),
        )
        .order_by(Reporter.id)
        .limit(1)
    )
    if found is None:
        found = Reporter(full_name=ADMINISTRATOR, is_office=True, created_at=now)
        session.add(found)
        await session.flush()
    return found


async def issue_login(session: AsyncSession, reporter_id: int, now: datetime) -> str:
    """A new one-time sign-in token for an office user (the caller commits). Raises
    :class:`NotOffice` for anyone else."""
    reporter = await session.get(Reporter, reporter_id)
    if reporter is None or not reporter.is_office:
        raise NotOffice
    token = secrets.token_urlsafe(32)
    session.add(
        WebLogin(
            token_hash=digest(token),
            reporter_id=reporter_id,
            created_at=now,
            expires_at=now + LOGIN_VALID,
        )
    )
    await session.flush()
    return token


async def open_session(session: AsyncSession, token: str, now: datetime) -> tuple[str, str]:
    """Use the sign-in ``token`` once: (the session's cookie token, its CSRF token). Raises
    :class:`SignInRefused` for an unknown, used or expired link and :class:`NotOffice` when
    the person is no longer an office user."""
    login = await session.scalar(
        select(WebLogin).where(WebLogin.token_hash == digest(token)).with_for_update()
    )
    if login is None:
        raise SignInRefused(_("Link đăng nhập không đúng. Hãy gửi /web cho bot để nhận link mới."))
    if login.used_at is not None:
        raise SignInRefused(
            _(
                "Link đăng nhập này đã được dùng. Mỗi link chỉ dùng một lần: gửi /web để nhận link mới."
            )
        )
    if now >= login.expires_at:
        raise SignInRefused(
            _("Link đăng nhập đã hết hạn (dùng trong 10 phút). Hãy gửi /web để nhận link mới.")
        )
    login.used_at = now
    reporter = await session.get(Reporter, login.reporter_id)
    if reporter is None or not reporter.is_office:
        raise NotOffice
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=digest(cookie),
            reporter_id=reporter.id,
            csrf=csrf,
            created_at=now,
            last_seen_at=now,
        )
    )
    await session.flush()
    return cookie, csrf


async def find_session(session: AsyncSession, cookie: str, now: datetime) -> SignedIn | None:
    """The live session of the ``cookie`` token, its idle clock restarted; None when there is
    none, it ended, or it was idle longer than :data:`IDLE`. The person may have lost the
    office right since: the caller checks ``reporter.is_office``."""
    found = await session.scalar(select(WebSession).where(WebSession.token_hash == digest(cookie)))
    if found is None or found.ended_at is not None:
        return None
    if now - found.last_seen_at >= IDLE:
        found.ended_at = now
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        found.last_seen_at = now
    reporter = await session.get(Reporter, found.reporter_id)
    if reporter is None:
        return None
    return SignedIn(found.id, reporter, found.csrf)


def csrf_ok(signed_in: SignedIn, sent: str) -> bool:
    """Whether a form's ``csrf`` field is the session's (compared in constant time)."""
    return bool(sent) and hmac.compare_digest(signed_in.csrf.encode(), sent.encode())


async def end_session(session: AsyncSession, session_id: int, now: datetime) -> None:
    """Sign out: the session opens nothing from ``now``."""
    found = await session.get(WebSession, session_id)
    if found is not None and found.ended_at is None:
        found.ended_at = now
