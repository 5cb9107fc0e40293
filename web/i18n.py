"""Page languages: Chinese first, English on request (gettext catalogs read by Babel at start).

The catalogs are ``locale/<locale>/LC_MESSAGES/messages.po``; they are compiled in memory
when first needed, so there is no build step. The language comes from ``?lang=zh|en``
(remembered in the ``lang`` cookie), then the cookie, then Chinese.

A shared device (the hall kiosk, see ``shared_device``) neither reads nor sets the cookie:
the next resident must not inherit the last one's language, so only ``?lang=`` counts there.

Templates get ``gettext``/``ngettext`` per request in their context (``jinja2.ext.i18n``
resolves ``_`` and ``{% trans %}`` through the context), so no shared environment is
mutated per request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGS = {"zh": "zh_CN", "en": "en"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}
DEFAULT = "zh"
COOKIE = "lang"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the language is known."""
    return message


@functools.cache
def catalog(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang`` (``zh`` or ``en``); an empty one if the file is missing."""
    path = LOCALE_DIR / LANGS[lang] / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as f:
        po = read_po(f, locale=LANGS[lang])
    buf = BytesIO()
    write_mo(buf, po)
    buf.seek(0)
    return Translations(buf)


def shared_device(request: Request) -> None:
    """Mark this request as a shared device's page: no language remembered from or for anyone."""
    request.state.shared_device = True


def _shared(request: Request) -> bool:
    return bool(getattr(request.state, "shared_device", False))


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang", "")
    if asked in LANGS:
        return asked
    remembered = "" if _shared(request) else request.cookies.get(COOKIE, "")
    return remembered if remembered in LANGS else DEFAULT


def translations_for(request: Request) -> NullTranslations:
    return catalog(lang_of(request))


def remember(request: Request, response: Response) -> Response:
    """Keep an explicit ``?lang=`` choice in a cookie for the next pages (not on a shared device)."""
    asked = request.query_params.get("lang", "")
    if asked in LANGS and not _shared(request) and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def _newstyle(func: Callable[..., str], plural: bool = False) -> Callable[..., str]:
    """Jinja's new-style gettext: autoescape-aware and ``%(name)s``-formatting, like
    ``Environment.install_gettext_callables(newstyle=True)`` but bound per request."""
    if plural:

        @pass_context
        def ngettext(__context: Context, __s: str, __p: str, __n: int, **variables: Any) -> str:
            variables.setdefault("num", __n)
            rv = func(__s, __p, __n)
            if __context.eval_ctx.autoescape:
                rv = Markup(rv)
            return rv % variables

        return ngettext

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        rv = func(__string)
        if __context.eval_ctx.autoescape:
            rv = Markup(rv)
        return rv % variables

    return gettext


def context(request: Request) -> dict[str, Any]:
    """Template context processor: the language and its gettext callables."""
    lang = lang_of(request)
    t = catalog(lang)
    return {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "other_lang": "en" if lang == "zh" else "zh",
        "gettext": _newstyle(t.gettext),
        "ngettext": _newstyle(t.ngettext, plural=True),
    }


def strings(request: Request, messages: dict[str, str]) -> dict[str, str]:
    """Translate a ``{key: msgid}`` table for the page's JavaScript (rendered as JSON)."""
    t = translations_for(request)
    return {key: t.gettext(msgid) for key, msgid in messages.items()}
