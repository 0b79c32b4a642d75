"""Non-text input: photos, videos, voice messages, files, locations and stickers. Pure functions, no I/O.

Chat channels hand the bot things it cannot read. When a KakaoTalk customer sends a photo, Open
Builder's ``userRequest.utterance`` is the photo's address (``http://dn-m.talk.kakao.com/talkm/.../
i_xxx.png``) and ``userRequest.params.media`` says ``{"type": "image", "url": ...}``; the image-upload
plugin (``sys.plugin.secureimage``) puts ``{"secureUrls": "List(url, ...)", ...}`` into
``action.params``; a sticker arrives as a placeholder ("(이모티콘)", "이모티콘을 보냈습니다."). Web and
REST clients send a bare file address, or attachment fields in the metadata. Read as text, a photo's
address was answered as a phone-number question.

This module recognises such input (:func:`media_only_text`, :func:`media_in_text`,
:func:`media_in_fields`, :func:`media_in_kakao_request`) and describes it as :class:`Media`: the kind,
where it was seen and the host it lives on. The address itself is never kept (a photo of an ID card is
personal data); the conversation records the kind's marker, e.g. ``[사진]``, instead.

The markers are the tracker's record, not words the bot says: what the customer is told comes from the
guide (``media_<kind>`` messages). The bot never reads a marker with NLU (see ``channels.guard``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import unquote, urlsplit

IMAGE = "image"
VIDEO = "video"
AUDIO = "audio"
FILE = "file"
LOCATION = "location"
STICKER = "sticker"
MEDIA_KINDS: Tuple[str, ...] = (IMAGE, VIDEO, AUDIO, FILE, LOCATION, STICKER)

# What the conversation (tracker) records in place of the input; never shown to the customer.
MARKERS: Mapping[str, str] = {
    IMAGE: "[사진]",
    VIDEO: "[동영상]",
    AUDIO: "[음성]",
    FILE: "[파일]",
    LOCATION: "[위치]",
    STICKER: "[이모티콘]",
}
# The guide message that answers each kind (content/guide.yml, messages).
GUIDE_MESSAGES: Mapping[str, str] = {kind: f"media_{kind}" for kind in MEDIA_KINDS}
# Said before the bot's answer when a message had words and something it cannot read.
WITH_TEXT_MESSAGE = "media_with_text"

# The names channels give attachment fields (REST and socket.io metadata, webhook payloads).
ATTACHMENT_KEYS = frozenset(
    {"attachment", "attachments", "media", "image", "images", "photo", "photos", "picture", "file", "files",
     "video", "videos", "audio", "voice", "location", "sticker", "emoticon"}
)
# Kinds by the names payloads give them ("type": "photo", "mimeType": "image/png", ...).
_KIND_NAMES: Mapping[str, str] = {
    "image": IMAGE, "images": IMAGE, "photo": IMAGE, "photos": IMAGE, "picture": IMAGE, "img": IMAGE,
    "secureimage": IMAGE, "gif": IMAGE,
    "video": VIDEO, "videos": VIDEO, "movie": VIDEO, "clip": VIDEO,
    "audio": AUDIO, "voice": AUDIO, "sound": AUDIO, "voice_note": AUDIO,
    "file": FILE, "files": FILE, "document": FILE, "doc": FILE, "application": FILE,
    "location": LOCATION, "map": LOCATION, "place": LOCATION, "geo": LOCATION,
    "sticker": STICKER, "emoticon": STICKER, "emoji_sticker": STICKER,
}
_EXTENSIONS: Mapping[str, str] = {
    **{ext: IMAGE for ext in ("jpg", "jpeg", "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "avif")},
    **{ext: VIDEO for ext in ("mp4", "mov", "m4v", "avi", "wmv", "webm", "3gp", "mkv")},
    **{ext: AUDIO for ext in ("m4a", "mp3", "aac", "amr", "wav", "ogg", "oga", "opus", "flac")},
    **{ext: FILE for ext in ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "hwp", "hwpx", "zip", "txt",
                             "csv", "rtf", "7z", "rar")},
}
# KakaoTalk's media hosts: photos on dn-m (talkm), videos on dn-v (talkv), files on dn (talkf),
# thumbnails on th-*, signed copies on talk.kakaocdn.net (dna). The path tells the kind when the name does not.
_KAKAO_MEDIA_HOST = re.compile(r"^(?:[a-z0-9-]+\.)*(?:talk\.kakao\.com|kakaocdn\.net)$")
_KAKAO_PATH_KINDS: Tuple[Tuple[str, str], ...] = (("/talkv/", VIDEO), ("/talkf/", FILE), ("/talkm/", IMAGE),
                                                   ("/secureimage/", IMAGE))
# A link to a map is a location shared, not a question.
_MAP_HOSTS = re.compile(r"^(?:(?:m\.|place\.)?map\.kakao\.com|(?:m\.)?map\.naver\.com|maps\.google\.[a-z.]+|"
                        r"maps\.app\.goo\.gl)$")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
# The secure-image plugin lists its addresses as "List(url1, url2)".
_LIST_OF_URLS = re.compile(r"List\((.*)\)", re.DOTALL)

# Placeholders chat apps send for what they cannot pass on as text, spaces and final dots removed.
_PLACEHOLDERS: Tuple[Tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^[(\[<]?(이모티콘|스티커|sticker|emoticon)[)\]>]?$", re.I), STICKER),
    (re.compile(r"^(이모티콘|스티커)(을|를)?보냈(습니다|어요)$"), STICKER),
    (re.compile(r"^[(\[<]?(사진|이미지|photo|image)[)\]>]?$", re.I), IMAGE),
    (re.compile(r"^(사진|이미지)(\d+장)?(을|를)?보냈(습니다|어요)$"), IMAGE),
    (re.compile(r"^[(\[<]?(동영상|영상|video)[)\]>]?$", re.I), VIDEO),
    (re.compile(r"^(동영상|영상)(을|를)?보냈(습니다|어요)$"), VIDEO),
    (re.compile(r"^[(\[<]?(음성|음성메시지|보이스톡|voice)[)\]>]?$", re.I), AUDIO),
    (re.compile(r"^(음성|음성메시지)(을|를)?보냈(습니다|어요)$"), AUDIO),
    (re.compile(r"^[(\[<]?(파일|file)[)\]>]?$", re.I), FILE),
    (re.compile(r"^파일(을|를)?보냈(습니다|어요)$"), FILE),
    (re.compile(r"^[(\[<]?(지도|위치|location)[)\]>]?$", re.I), LOCATION),
    (re.compile(r"^(지도|위치|위치정보)(을|를)?보냈(습니다|어요)$"), LOCATION),
)
_SPACES_AND_DOTS = re.compile(r"[\s.!~]+")


@dataclass(frozen=True)
class Media:
    """One thing the customer sent that is not text.

    Attributes:
        kind: One of ``MEDIA_KINDS``.
        source: Where it was seen, e.g. ``"utterance"``, ``"kakao.params.media"``, ``"metadata.attachments"``.
        host: The host its address points to (the address itself is not kept), if it has one.
    """

    kind: str
    source: str
    host: Optional[str] = None

    @property
    def marker(self) -> str:
        """What the conversation records for it, e.g. ``[사진]``."""
        return MARKERS[self.kind]

    def as_metadata(self) -> Dict[str, Any]:
        """The description kept in the tracker (kind, source, host; never the address)."""
        described: Dict[str, Any] = {"kind": self.kind, "source": self.source}
        if self.host:
            described["host"] = self.host
        return described


def kind_named(name: Any) -> Optional[str]:
    """The media kind a payload's type name stands for ("photo" → image, "image/png" → image), or ``None``."""
    if not isinstance(name, str):
        return None
    lowered = name.strip().lower()
    return _KIND_NAMES.get(lowered) or _KIND_NAMES.get(lowered.split("/", 1)[0] if "/" in lowered else "")


def _host(url: str) -> Optional[str]:
    """The URL's host name, lower-cased, or ``None`` when it has none."""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        return parts.hostname
    except ValueError:
        return None


def classify_url(url: str) -> Optional[str]:
    """The kind of media a URL points to, or ``None`` for an ordinary web page.

    By the file name's extension (``.jpg``, ``.mp4``, ``.m4a``, ``.pdf``, ...), by KakaoTalk's media hosts
    (and their ``talkm``/``talkv``/``talkf`` paths), or a map link for a location.
    """
    candidate = url.strip().rstrip(".,!?")
    try:
        parts = urlsplit(candidate if "://" in candidate else f"http://{candidate}")
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    path = unquote(parts.path or "")
    name = path.rsplit("/", 1)[-1].lower()
    if "." in name:
        kind = _EXTENSIONS.get(name.rsplit(".", 1)[-1])
        if kind:
            return kind
    if _KAKAO_MEDIA_HOST.match(host):
        return next((kind for fragment, kind in _KAKAO_PATH_KINDS if fragment in path), IMAGE)
    if _MAP_HOSTS.match(host) or (host.startswith("www.google.") and path.startswith("/maps")):
        return LOCATION
    return None


def _placeholder_kind(text: str) -> Optional[str]:
    """The kind of a chat app's placeholder ("(이모티콘)", "사진을 보냈습니다."), or ``None``."""
    squeezed = _SPACES_AND_DOTS.sub("", text)
    if not squeezed or len(squeezed) > 20:
        return None
    return next((kind for pattern, kind in _PLACEHOLDERS if pattern.match(squeezed)), None)


# What a plugin or an attach button puts beside the media it sends ("사진 보내기", the secure-image
# plugin's block utterance): words about the attachment itself, not a question.
_ATTACHMENT_CAPTION = re.compile(
    r"^(사진|이미지|동영상|영상|파일|음성|위치|첨부파일)(을|를)?(보내기|전송|첨부|업로드|올리기|보냄|보내요|보낼게요|입니다|이에요|예요)?$"
)


def is_attachment_caption(text: str) -> bool:
    """Whether text sent with an attachment only names the attachment ("사진 보내기", "파일 첨부")."""
    squeezed = _SPACES_AND_DOTS.sub("", text)
    return bool(squeezed) and len(squeezed) <= 20 and bool(_ATTACHMENT_CAPTION.match(squeezed))


def media_only_text(text: str, source: str = "utterance") -> List[Media]:
    """What the message is when it is nothing but media: one or more media addresses, or a placeholder.

    Args:
        text: The message as typed (or as the channel received it).
        source: Recorded as where the media was seen.

    Returns:
        One ``Media`` per address (or one for a placeholder); empty when the message has words.
    """
    stripped = text.strip()
    if not stripped:
        return []
    kind = _placeholder_kind(stripped)
    if kind:
        return [Media(kind, source)]
    words = stripped.split()
    found = []
    for word in words:
        if not _URL.fullmatch(word.rstrip(".,!?")):
            return []
        word_kind = classify_url(word)
        if word_kind is None:
            return []
        found.append(Media(word_kind, source, _host(word)))
    return found


def media_in_text(text: str, source: str = "utterance") -> Tuple[str, List[Media]]:
    """Replaces every media address inside a message by its marker ("화면이에요 [사진]").

    Returns:
        The text the bot may read, and the media found in it (empty when there was none).
    """
    found: List[Media] = []

    def replace(match: re.Match[str]) -> str:
        url = match.group(0)
        kind = classify_url(url)
        if kind is None:
            return url
        found.append(Media(kind, source, _host(url)))
        return MARKERS[kind]

    return _URL.sub(replace, text), found


def redact_media_urls(text: str) -> str:
    """``text`` with media addresses replaced by their markers (for what the tracker keeps)."""
    return media_in_text(text)[0]


def _urls_in(value: str) -> List[str]:
    """Addresses in a string: a plain one, the plugin's ``List(url, ...)``, or its JSON with ``secureUrls``."""
    text = value.strip()
    if text.startswith("{"):
        try:
            decoded = json.loads(text)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            text = str(decoded.get("secureUrls") or decoded.get("url") or decoded.get("imageUrl") or "")
    listed = _LIST_OF_URLS.search(text)
    if listed:
        text = listed.group(1).replace(",", " ")
    return [match.group(0) for match in _URL.finditer(text)]


def _from_value(value: Any, source: str, kind_hint: Optional[str], depth: int) -> List[Media]:
    """Media described by one attachment value (a URL, a ``{type, url}`` object, a list of them)."""
    if depth > 4:
        return []
    if isinstance(value, str):
        urls = _urls_in(value)
        return [Media(classify_url(url) or kind_hint or FILE, source, _host(url)) for url in urls if
                classify_url(url) or kind_hint]
    if isinstance(value, list):
        return [media for item in value[:20] for media in _from_value(item, source, kind_hint, depth + 1)]
    if isinstance(value, dict):
        named = next((kind_named(value.get(key)) for key in ("type", "kind", "mimeType", "mime_type", "contentType")
                      if kind_named(value.get(key))), None)
        kind = named or kind_hint
        if isinstance(value.get("latitude"), (int, float)) or isinstance(value.get("lat"), (int, float)):
            return [Media(LOCATION, source)]
        for key in ("url", "imageUrl", "image_url", "fileUrl", "file_url", "src", "link", "secureUrls", "payload"):
            inner = value.get(key)
            if isinstance(inner, (str, dict, list)) and inner:
                found = _from_value(inner, source, kind, depth + 1)
                if found:
                    return found
        return [Media(kind, source)] if kind else []
    return []


def media_in_fields(fields: Any, source: str) -> List[Media]:
    """Attachments in a payload's fields (``{"attachments": [{"type": "image", "url": ...}]}`` and the like).

    Only the fields named like attachments (``ATTACHMENT_KEYS``) count; anything else is ignored.

    Args:
        fields: The metadata or payload object (anything else gives no media).
        source: Prefix of ``Media.source``, e.g. ``"metadata"``.
    """
    if not isinstance(fields, Mapping):
        return []
    found: List[Media] = []
    for key, value in fields.items():
        if isinstance(key, str) and key.lower() in ATTACHMENT_KEYS and value:
            found += _from_value(value, f"{source}.{key}", kind_named(key), 0)
    return found


def media_in_kakao_request(
    user_params: Mapping[str, Any], action_params: Mapping[str, Any], detail_params: Mapping[str, Any],
    trigger: Optional[str] = None,
) -> List[Media]:
    """Media in a Kakao skill request's parameters.

    ``userRequest.params.media`` (``{"type": "image", "url": ...}``); the secure-image plugin's value in
    ``action.params`` or ``action.detailParams`` (``{"secureUrls": "List(...)"}``); image parameters
    (``{"imageUrl": ...}``); and ``flow.trigger.type`` ``IMAGE_UPLOAD`` with nothing else to go by.
    """
    found = _from_value(user_params.get("media"), "kakao.params.media", None, 0) if user_params.get("media") else []
    for name, value in action_params.items():
        if isinstance(value, (str, dict, list)):
            hint = IMAGE if "image" in str(name).lower() else None
            found += _from_value(value, f"kakao.action.params.{name}", hint, 0)
    for name, detail in detail_params.items():
        if isinstance(detail, Mapping) and not any(item.source.endswith(f".{name}") for item in found):
            hint = IMAGE if "image" in str(name).lower() else None
            for key in ("origin", "value"):
                value = detail.get(key)
                if isinstance(value, str) and ("secureUrls" in value or "List(" in value):
                    found += _from_value(value, f"kakao.action.detailParams.{name}", hint or IMAGE, 0)
                    break
    if not found and (trigger or "").upper() == "IMAGE_UPLOAD":
        found.append(Media(IMAGE, "kakao.flow.trigger"))
    return found


def describe(media: Iterable[Media]) -> List[Dict[str, Any]]:
    """The tracker's description of each media item, in order."""
    return [item.as_metadata() for item in media]
