"""The Kakao i Open Builder skill request, as pydantic models (pydantic 1.10, shipped with Rasa 3.6).

Only the fields the channel uses are declared; Kakao adds fields over time, so unknown ones are
ignored rather than rejected. Field names are Kakao's (camelCase). ``parse_skill_request`` turns a raw
request body into a ``SkillRequest`` or a ``MalformedRequest`` whose message is safe to return.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional

from pydantic import AnyHttpUrl, BaseModel, Extra, Field, StrictStr, ValidationError, validator

from paybot.media import Media, media_in_kakao_request

logger = logging.getLogger(__name__)

# Kakao's botUserKey is at most 70 characters; some room is left, and Rasa's SQL tracker store keeps
# sender ids (prefix included) in a 255-character column.
MAX_USER_ID_CHARS = 128
# Largest request body read. A real skill request is about 1-2 kB; a customer's longest message fits many
# times over (300,000 Hangul syllables), and channels.guard reads the beginning of anything over
# MAX_MESSAGE_CHARS, so no message a customer can type gets a 4xx. Only a body no KakaoTalk message makes
# is refused.
MAX_BODY_BYTES = 1024 * 1024


class MalformedRequest(ValueError):
    """The body is not a skill request; the message says why, in words safe to return (no input echo)."""


class _KakaoModel(BaseModel):
    """Ignores unknown fields: Kakao's payload grows, and an extra field must never cost a 400."""

    class Config:
        extra = Extra.ignore


class KakaoUser(_KakaoModel):
    """``userRequest.user``: who wrote, as the bot-specific user key."""

    id: StrictStr = Field(..., min_length=1, max_length=MAX_USER_ID_CHARS)
    type: Optional[StrictStr] = None


def _object_or_empty(value: Any) -> Dict[str, Any]:
    """Kakao has sent ``null`` and the string ``"null"`` for objects; anything but an object counts as empty."""
    return value if isinstance(value, dict) else {}


class UserRequest(_KakaoModel):
    """``userRequest``: the utterance, the user, the one-time callback URL if the block has one, and the
    request's parameters (``params.media`` when the customer sent a photo or a video)."""

    utterance: StrictStr
    user: KakaoUser
    callbackUrl: Optional[AnyHttpUrl] = None
    timezone: Optional[StrictStr] = None
    lang: Optional[StrictStr] = None
    params: Dict[str, Any] = Field(default_factory=dict)

    @validator("params", pre=True)
    def _params_object(cls, value: Any) -> Dict[str, Any]:  # noqa: N805 - pydantic validator
        """Anything but an object counts as no parameters."""
        return _object_or_empty(value)


class Bot(_KakaoModel):
    """``bot``: which Open Builder bot called the skill."""

    id: StrictStr = Field(..., min_length=1)
    name: Optional[StrictStr] = None


class Action(_KakaoModel):
    """``action``: the skill's parameters and the ``extra`` of the button or quick reply tapped."""

    name: Optional[StrictStr] = None
    params: Dict[str, Any] = Field(default_factory=dict)
    detailParams: Dict[str, Any] = Field(default_factory=dict)
    clientExtra: Dict[str, Any] = Field(default_factory=dict)

    @validator("params", "detailParams", "clientExtra", pre=True)
    def _objects(cls, value: Any) -> Dict[str, Any]:  # noqa: N805 - pydantic validator
        """Kakao has sent ``null`` and the string ``"null"`` here; anything but an object counts as empty."""
        return _object_or_empty(value)


class Trigger(_KakaoModel):
    """``flow.trigger``: how the utterance came in (TEXT_INPUT, QUICKREPLY_BUTTON_MESSAGE, ...)."""

    type: Optional[StrictStr] = None


class Flow(_KakaoModel):
    """``flow``: present on newer payloads."""

    trigger: Optional[Trigger] = None


class SkillRequest(_KakaoModel):
    """One skill call: what the user said, who they are, and which bot and block asked."""

    userRequest: UserRequest
    bot: Bot
    action: Action = Field(default_factory=Action)
    flow: Optional[Flow] = None

    @property
    def trigger_type(self) -> Optional[str]:
        """``flow.trigger.type``, when Kakao sent it."""
        return self.flow.trigger.type if self.flow and self.flow.trigger else None

    @property
    def media(self) -> List[Media]:
        """Photos, videos and the like the request's parameters carry (``userRequest.params.media``,
        the secure-image plugin's ``action.params``, an ``IMAGE_UPLOAD`` trigger)."""
        return media_in_kakao_request(
            self.userRequest.params, self.action.params, self.action.detailParams, self.trigger_type
        )

    @property
    def callback_url(self) -> Optional[str]:
        """The one-time callback URL, when the block has callback enabled."""
        return str(self.userRequest.callbackUrl) if self.userRequest.callbackUrl else None


def _describe(error: ValidationError) -> List[str]:
    """Names each invalid field and what is wrong with it, without echoing the value sent."""
    return [f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()]


def parse_skill_request(body: bytes) -> SkillRequest:
    """Reads a skill request from a raw HTTP body.

    Args:
        body: The request body as received.

    Returns:
        The validated request.

    Raises:
        MalformedRequest: When the body is too large, not UTF-8 JSON, not an object, or misses or
            mistypes a field the channel needs (``userRequest.utterance``, ``userRequest.user.id``,
            ``bot.id``) or has an invalid ``callbackUrl``.
    """
    if len(body) > MAX_BODY_BYTES:
        raise MalformedRequest(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise MalformedRequest("The request body is not valid UTF-8.") from error
    except json.JSONDecodeError as error:
        raise MalformedRequest("The request body is not valid JSON.") from error
    except RecursionError as error:
        raise MalformedRequest("The request body is nested too deeply.") from error
    if not isinstance(payload, dict):
        raise MalformedRequest("The request body must be a JSON object (a Kakao skill request).")
    try:
        return SkillRequest.parse_obj(payload)
    except ValidationError as error:
        raise MalformedRequest("Not a Kakao skill request: " + "; ".join(_describe(error))) from error
