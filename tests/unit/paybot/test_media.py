"""paybot.media: what counts as a photo, video, voice message, file, location or sticker, on every channel's shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from channels.kakao.models import parse_skill_request
from paybot.media import (
    MARKERS,
    MEDIA_KINDS,
    Media,
    classify_url,
    media_in_fields,
    media_in_text,
    is_attachment_caption,
    media_only_text,
    redact_media_urls,
)
from paybot.settings import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "data" / "fixtures" / "kakao" / "media"
FIXTURE_FILES = sorted(FIXTURES.glob("*.json"))


def load_fixture(path: Path) -> Dict[str, Any]:
    """One real-shaped Kakao media request with the kind it must be recognised as."""
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_kind_is_covered_by_a_kakao_fixture() -> None:
    """The fixtures hold at least one request per kind of non-text input."""
    assert {load_fixture(path)["expected_kind"] for path in FIXTURE_FILES} == set(MEDIA_KINDS)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[path.stem for path in FIXTURE_FILES])
def test_kakao_media_requests_are_recognised(path: Path) -> None:
    """Each real-shaped request: its utterance or its parameters say which kind it is."""
    fixture = load_fixture(path)
    skill = parse_skill_request(json.dumps(fixture["request"], ensure_ascii=False).encode("utf-8"))
    found: List[Media] = skill.media or media_only_text(skill.userRequest.utterance)
    assert found, "recognised as media"
    assert found[0].kind == fixture["expected_kind"]


def test_secure_image_plugin_lists_every_photo() -> None:
    """The plugin's "List(url1, url2)" is two photos, on Kakao's CDN."""
    request = load_fixture(FIXTURES / "secure_image_plugin.json")["request"]
    skill = parse_skill_request(json.dumps(request).encode("utf-8"))
    photos = [item for item in skill.media if item.source == "kakao.action.params.secureimage"]
    assert [item.kind for item in photos] == ["image", "image"]
    assert {item.host for item in photos} == {"talk.kakaocdn.net"}


@pytest.mark.parametrize(
    "url, kind",
    [
        ("http://dn-m.talk.kakao.com/talkm/bl29h5I7Vso/58Ts9emhMRxr7mU0h9R2Fk/i_uf0s78xwnb04.png", "image"),
        ("http://dn-m.talk.kakao.com/talkm/bl29h5I7Vso/58Ts9emhMRxr7mU0h9R2Fk/i_uf0s78xwnb04", "image"),
        ("http://dn-v.talk.kakao.com/talkv/wonzTAzl7a/2Os0fp8kuOToZvyShICCp1/talkv_high.mp4", "video"),
        ("https://dn.talk.kakao.com/talkf/o3/x", "file"),
        ("https://example.com/receipt.PDF", "file"),
        ("https://example.com/voice.m4a?x=1", "audio"),
        ("https://example.com/screen.jpeg#top", "image"),
        ("https://map.kakao.com/?urlX=497530&urlY=1127530", "location"),
        ("https://www.google.com/maps/place/Seoul", "location"),
        ("https://www.kakaopay.com/", None),
        ("https://example.com/help/faq", None),
        ("not a url", None),
    ],
)
def test_urls_are_classified_by_name_and_host(url: str, kind: Optional[str]) -> None:
    """A media address is recognised by its extension or by KakaoTalk's media hosts; a web page is not media."""
    assert classify_url(url) == kind


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("http://dn-m.talk.kakao.com/talkm/a/b/i_x.jpg", ["image"]),
        ("  https://x.example/a.png https://x.example/b.png  ", ["image", "image"]),
        ("(이모티콘)", ["sticker"]),
        ("이모티콘을 보냈습니다.", ["sticker"]),
        ("사진 3장을 보냈습니다.", ["image"]),
        ("동영상을 보냈습니다", ["video"]),
        ("음성메시지를 보냈습니다.", ["audio"]),
        ("[사진]", ["image"]),
        ("사진 보냈는데 확인했어요?", []),
        ("https://www.kakaopay.com/", []),
        ("결제가 안 돼요 https://x.example/a.png", []),
        ("이모티콘", ["sticker"]),
        ("", []),
    ],
)
def test_media_only_messages(text: str, kinds: List[str]) -> None:
    """Only a message made of media addresses or a chat app's placeholder is media alone; words make it text."""
    assert [item.kind for item in media_only_text(text)] == kinds


def test_media_addresses_inside_words_become_markers() -> None:
    """The bot reads the words; the address is replaced by its marker and never read."""
    text, found = media_in_text("결제 오류 화면이에요 http://dn-m.talk.kakao.com/talkm/a/b/i_x.jpg 봐 주세요")
    assert text == "결제 오류 화면이에요 [사진] 봐 주세요"
    assert [(item.kind, item.host) for item in found] == [("image", "dn-m.talk.kakao.com")]
    assert redact_media_urls("https://www.kakaopay.com/ 에서요") == "https://www.kakaopay.com/ 에서요"


@pytest.mark.parametrize(
    "fields, kinds",
    [
        ({"attachments": [{"type": "image", "payload": {"url": "https://cdn.example/1"}}]}, ["image"]),
        ({"attachment": {"type": "file", "url": "https://cdn.example/a.pdf", "name": "a.pdf"}}, ["file"]),
        ({"image": "https://cdn.example/photo"}, ["image"]),
        ({"files": [{"mimeType": "application/pdf", "url": "https://cdn.example/x"}]}, ["file"]),
        ({"location": {"latitude": 37.5, "longitude": 127.0}}, ["location"]),
        ({"media": {"type": "video", "url": "https://cdn.example/v.mp4"}}, ["video"]),
        ({"sticker": {"id": "4412207"}}, ["sticker"]),
        ({"customData": {"language": "ko"}, "note": "https://cdn.example/a.png"}, []),
        ({"attachments": []}, []),
        ("not an object", []),
    ],
)
def test_attachment_fields(fields: Any, kinds: List[str]) -> None:
    """Attachment fields of web and REST payloads are media; other fields are left alone."""
    assert [item.kind for item in media_in_fields(fields, "metadata")] == kinds


def test_media_description_never_keeps_the_address() -> None:
    """The tracker keeps the kind, where it was seen and the host, not the (personal) address."""
    (photo,) = media_only_text("https://talk.kakaocdn.net/dna/x/y/i_z.png?credential=secret")
    assert photo.as_metadata() == {"kind": "image", "source": "utterance", "host": "talk.kakaocdn.net"}
    assert photo.marker == MARKERS["image"] == "[사진]"


@pytest.mark.parametrize(
    "text, caption",
    [("사진 보내기", True), ("사진전송", True), ("파일 첨부", True), ("이미지 업로드", True),
     ("사진 보냈는데 결제 오류예요", False), ("환불 언제 돼요", False), ("", False)],
)
def test_words_that_only_name_the_attachment(text: str, caption: bool) -> None:
    """An attach button's words beside a photo are not a question; a real sentence is."""
    assert is_attachment_caption(text) is caption
