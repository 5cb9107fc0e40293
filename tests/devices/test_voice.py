from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests import system
from voice.speech import MAX_TEXT, Voice, VoiceUnavailable, call_text, speech_pinyin
from web.pages import guide

CHIME = Path(__file__).resolve().parents[2] / "static" / "audio" / "chime.wav"
SENTENCE = "请A001号到3号窗口办理"


def _duration(data: bytes) -> float:
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WAVE"
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


def test_call_text_zh() -> None:
    assert call_text("A001", 3) == SENTENCE
    assert call_text("A001", 3, lang="zh") == SENTENCE


def test_call_text_en() -> None:
    assert call_text("A001", 3, lang="en") == "Number A001, please go to counter 3"


def test_speech_pinyin_call_sentence() -> None:
    assert speech_pinyin(SENTENCE) == "qing3 A ling2 ling2 yi1 hao4 dao4 san1 hao4 chuang1 kou3 ban4 li3"


def test_speech_pinyin_numbers() -> None:
    assert speech_pinyin(call_text("B120", 12)) == (
        "qing3 B yi1 er4 ling2 hao4 dao4 shi2 er4 hao4 chuang1 kou3 ban4 li3"
    )
    assert speech_pinyin("到10号") == "dao4 shi2 hao4"
    assert speech_pinyin("到20号") == "dao4 er4 shi2 hao4"
    assert speech_pinyin("到99号") == "dao4 jiu3 shi2 jiu3 hao4"
    assert speech_pinyin("请c7号") == "qing3 C qi1 hao4"


def test_wav_valid_and_cached() -> None:
    system.espeak()
    voice = Voice()
    assert voice.available()
    data = voice.wav(SENTENCE)
    assert 2.0 <= _duration(data) <= 8.0
    assert voice.generated == 1
    assert voice.wav(SENTENCE) == data
    assert voice.generated == 1


def test_wav_english() -> None:
    system.espeak()
    voice = Voice()
    assert 1.0 <= _duration(voice.wav(call_text("A001", 3, lang="en"))) <= 8.0


def test_wav_lru_bounded() -> None:
    system.espeak()
    voice = Voice(max_cache=1)
    voice.wav("请A001号到1号窗口办理")
    voice.wav("请A002号到1号窗口办理")
    voice.wav("请A001号到1号窗口办理")
    assert voice.generated == 3


def test_wav_disk_cache(tmp_path: Path) -> None:
    system.espeak()
    data = Voice(cache_dir=tmp_path).wav(SENTENCE)
    assert len(list(tmp_path.glob("*.wav"))) == 1
    again = Voice(cache_dir=tmp_path)
    assert again.wav(SENTENCE) == data
    assert again.generated == 0


def test_long_text_rejected() -> None:
    with pytest.raises(ValueError):
        Voice().wav("请" * 201)


def test_missing_executable() -> None:
    voice = Voice(executable="espeak-ng-does-not-exist")
    assert not voice.available()
    with pytest.raises(VoiceUnavailable):
        voice.wav(SENTENCE)


def test_chime() -> None:
    data = CHIME.read_bytes()
    assert len(data) < 60_000
    assert 0.2 < _duration(data) < 2.0


def test_guide_sentences_are_fixed_and_bilingual() -> None:
    # what the sentences say, and that the screen shows the same: tests/devices/test_guide.py
    for key in guide.GUIDE:
        assert len(guide.text(key)) <= MAX_TEXT and len(guide.text(key, "en")) <= MAX_TEXT
    assert speech_pinyin("取号成功。请取走号票") == "qu3 hao4 cheng2 gong1, qing3 qu3 zou3 hao4 piao4"


def test_guide_endpoint_speaks_only_known_keys(client: TestClient) -> None:
    system.espeak()
    r = client.get("/api/v1/voice/guide/elder.wav")
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    assert _duration(r.content) > 2.0
    assert client.get("/api/v1/voice/guide/result_printed.wav?number=B012&lang=en").status_code == 200
    assert client.get("/api/v1/voice/guide/hello.wav").status_code == 404
    assert client.get("/api/v1/voice/guide/result_printed.wav?number=%E4%BD%A0%E5%A5%BD").status_code == 422
    assert client.get("/api/v1/voice/guide/services.wav?number=A001").status_code == 422
    assert client.get("/api/v1/voice/guide/services.wav?lang=fr").status_code == 422
    assert client.get("/api/v1/voice/call.wav?number=A001&counter=3").status_code == 200
