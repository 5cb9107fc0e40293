"""Offline voice under /api/v1/voice: the display's call sentences and the kiosk's guidance.

Both speak only fixed sentences: a call built from a ticket number and a counter number, or
one of the guidance sentences of ``web.pages.guide.GUIDE`` (chosen by key: the sentence the kiosk
shows in that state). Never free text.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.errors import InvalidInput, NotFound
from voice.speech import VoiceUnavailable, call_text
from web.deps import hall_of
from web.errors import error_response
from web.pages import guide

LANGS = ("zh", "en")


async def _wav(request: Request, text: str) -> Response:
    try:
        wav = await asyncio.to_thread(hall_of(request).voice.wav, text)
    except VoiceUnavailable:
        return error_response(503, "voice_unavailable", "语音不可用 / voice is not available on this server")
    return Response(wav, media_type="audio/wav", headers={"Cache-Control": "public, max-age=86400"})


async def voice_call(request: Request) -> Response:
    """
    summary: The spoken call "请A001号到3号窗口办理" as WAV, made offline (short=1 "A001号，3号窗口")
    responses:
      200: {description: audio/wav}
      422: {description: invalid_input}
      503: {description: voice_unavailable}
    """
    number = request.query_params.get("number", "")
    counter = request.query_params.get("counter", "")
    lang = request.query_params.get("lang", "zh")
    if not (2 <= len(number) <= 6 and number[0].isalpha() and number[0].isupper() and number[1:].isdigit()):
        raise InvalidInput("number must look like A001", field="number")
    if not (counter.isdigit() and 0 < int(counter) < 1000) or lang not in LANGS:
        raise InvalidInput("counter must be a number, lang zh or en", field="counter")
    short = request.query_params.get("short") == "1"  # more calls wait: the shorter sentence
    return await _wav(request, call_text(number, int(counter), lang, short=short))


async def voice_guide(request: Request) -> Response:
    """
    summary: A kiosk guidance sentence (elder mode) as WAV, made offline; key from a fixed list
    description: >
      Keys: those of web/pages/guide.py (elder, start, services, details, details_typing, priority,
      checkin, checkin_next, checkin_next_typing, result_printing, result_printed,
      result_fallback, result_shown, timeout, help, problem, closed, guide_pick, guide, nearby).
      ``number`` (a ticket number such as A001) is allowed with the result_* keys only.
    responses:
      200: {description: audio/wav}
      404: {description: not_found (unknown key)}
      422: {description: invalid_input}
      503: {description: voice_unavailable}
    """
    key = request.path_params["key"]
    lang = request.query_params.get("lang", "zh")
    number = request.query_params.get("number")
    if key not in guide.GUIDE:
        raise NotFound("没有这句语音提示 / no such guidance sentence")
    if lang not in LANGS:
        raise InvalidInput("lang must be zh or en", field="lang")
    try:
        text = guide.text(key, lang, number)
    except ValueError:
        raise InvalidInput("number must be a ticket number such as A001, with a result key", field="number") from None
    return await _wav(request, text)


routes = [
    Route("/voice/call.wav", voice_call),
    Route("/voice/guide/{key}.wav", voice_guide),
]
