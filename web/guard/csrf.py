"""CSRF protection for page forms: a per-session token in a hidden ``csrf`` field.

The token lives in the signed session cookie (SessionMiddleware); a POST whose form field
does not match it is refused with a 403 page. JSON API calls use bearer tokens instead,
which a foreign site cannot send, so they need no CSRF token.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

SESSION_KEY = "csrf"
FIELD = "csrf"
MAX_FORM_FIELDS = 20


class CsrfFailed(Exception):
    """The form's token is missing or does not match the session's."""


def token(request: Request) -> str:
    """The session's token, made on first use."""
    value = request.session.get(SESSION_KEY)
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = value
    return value


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its ``csrf`` field against the session.

    :raises CsrfFailed: no session token, no field, or a different value.
    """
    form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    expected = request.session.get(SESSION_KEY)
    sent = form.get(FIELD)
    if not isinstance(expected, str) or not expected or not isinstance(sent, str):
        raise CsrfFailed
    if not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfFailed
    return form
