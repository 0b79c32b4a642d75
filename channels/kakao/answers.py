"""What a Kakao customer is answered: the bot's replies as a skill response, the apology, "please wait".

A message goes through :mod:`channels.guard` (cleaning, media, commands, limits, personal-data masking)
like every channel's; a photo, video or sticker is answered from the guide without NLU. A tapped quick
reply reaches Rasa as its payload (``action.clientExtra``, else what :mod:`channels.kakao.offers`
remembers). Every text comes from the guide; only :data:`LAST_RESORT_TEXT` is said when even the guide
cannot be read.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.guard import finish_replies, prepare_message, user_message
from channels.kakao.models import SkillRequest
from channels.kakao.offers import LocalOfferMemory
from channels.kakao.render import EXTRA_PAYLOAD_KEY, ContactCard, render_answer
from paybot.guide import load_guide
from paybot.media import redact_media_urls
from paybot.operator_chat import kakao_operator_offered
from paybot.privacy import mask

logger = logging.getLogger(__name__)

CHANNEL_NAME = "kakao"
# Longest quick-reply payload taken from ``action.clientExtra``.
MAX_PAYLOAD_CHARS = 200
# Said when even the guide cannot be read (then the phone number is not known either).
LAST_RESORT_TEXT = "죄송해요, 지금은 답변을 드리기 어려워요. 잠시 후 다시 말씀해 주세요."

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _masked(value: Any, depth: int = 0) -> Any:
    """``value`` with personal data masked in every string (block parameters can hold what users typed)
    and media addresses replaced by their markers (the secure-image plugin's photo URLs are not kept)."""
    if isinstance(value, str):
        return redact_media_urls(mask(value))
    if isinstance(value, dict) and depth < 5:
        return {str(key): _masked(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list) and depth < 5:
        return [_masked(item, depth + 1) for item in value]
    return value if isinstance(value, (int, float, bool)) or value is None else None


class KakaoOutput(CollectingOutputChannel):
    """Collects the bot's messages for one skill response.

    Named ``kakao`` so that domain responses can have a ``channel: kakao`` variant. Unlike Rasa's
    collector it keeps a text with blank lines as one message (one speech bubble).
    """

    @classmethod
    def name(cls) -> Text:
        """Name of the output channel (selects ``channel: kakao`` responses)."""
        return CHANNEL_NAME

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        """Keeps the whole text as one message."""
        await self._persist_message(self._message(recipient_id, text=text.strip()))


class Answers:
    """Builds the skill responses of one channel: the bot's answer, the apology, the busy-wait."""

    def __init__(self, offers: LocalOfferMemory, operator_button: bool) -> None:
        """Remembers where offered quick replies are kept and whether the operator button may be shown.

        Args:
            offers: The quick replies offered per customer (in this process or in Redis).
            operator_button: ``KAKAO_OPERATOR_BUTTON``: offer Kakao's hand-off button while agents work.
        """
        self._offers = offers
        self._operator_button = operator_button

    async def bot_answer(self, sender_id: str, skill: SkillRequest, on_new_message: OnNewMessage) -> Dict[str, Any]:
        """Runs the message through the guard and the bot and renders the skill response."""
        text, tapped = await self.resolve_text(sender_id, skill)
        prepared = prepare_message(text, [] if tapped else skill.media)
        collector = KakaoOutput()
        if prepared.runs_bot:
            try:
                metadata = self.metadata(skill, tapped)
                await on_new_message(user_message(prepared, collector, sender_id, CHANNEL_NAME, metadata))
            except Exception:  # noqa: BLE001 - finish_replies answers with the technical-error text
                logger.exception("The bot failed on a Kakao message from %s.", sender_id)
        replies = finish_replies(prepared, collector.messages)
        guide = load_guide()
        rendered = render_answer(replies, self.contact_card(), empty_text=guide.message("technical_error"))
        await self._offers.remember(sender_id, rendered.offered)
        return rendered.body

    async def resolve_text(self, sender_id: str, skill: SkillRequest) -> Tuple[str, Optional[str]]:
        """What Rasa gets: the payload of a tapped quick reply, else the utterance.

        A quick reply sends its title as the customer's message (that is what the chat shows); its
        payload comes back in ``action.clientExtra`` and is also remembered per customer (in Redis when
        several servers share it: :mod:`channels.kakao.offers`), so a tap reaches Rasa as the exact payload
        even if Kakao drops the extra.

        Returns:
            The text for Rasa, and the quick reply's title when one was tapped.
        """
        utterance = skill.userRequest.utterance
        extra = skill.action.clientExtra.get(EXTRA_PAYLOAD_KEY)
        if isinstance(extra, str) and extra.strip() and len(extra) <= MAX_PAYLOAD_CHARS:
            return extra.strip(), mask(utterance.strip())
        payload = (await self._offers.get(sender_id)).get(utterance.strip())
        if payload:
            return payload, utterance.strip()
        return utterance, None

    @staticmethod
    def metadata(skill: SkillRequest, tapped: Optional[str]) -> Dict[str, Any]:
        """What the tracker keeps about the request (strings masked like the message text)."""
        return {
            CHANNEL_NAME: {
                "bot_id": skill.bot.id,
                "callback_url": skill.callback_url,
                "params": _masked(skill.action.params),
                "client_extra": _masked(skill.action.clientExtra),
                "trigger": skill.trigger_type,
                "quick_reply": tapped,
            }
        }

    def contact_card(self) -> Optional[ContactCard]:
        """The phone card for hand-off answers; the operator button only while agents are working."""
        guide = load_guide()
        operator_label = None
        if kakao_operator_offered(guide, enabled=self._operator_button):
            topic = guide.topic("request_human")
            operator_label = topic.label if topic else None
        return ContactCard(
            phone=guide.phone,
            title=guide.message("phone_card_title"),
            call_label=guide.message("phone_button_label"),
            description=guide.hours_summary,
            operator_label=operator_label,
        )

    def busy(self) -> Dict[str, Any]:
        """The guide's "answering your earlier messages, please wait" (with the phone number)."""
        try:
            text = load_guide().message("kakao_busy_wait")
        except Exception:  # noqa: BLE001 - a guide without the message (or broken): the apology says as much
            logger.exception("Could not read kakao_busy_wait from the guide; answering with the apology.")
            return self.apology()
        return render_answer([{"text": text}], None, empty_text=text).body

    def apology(self) -> Dict[str, Any]:
        """The guide's technical-error answer (apology, phone number, hours) as a skill response."""
        try:
            text = load_guide().message("technical_error")
            return render_answer([{"text": text}], self.contact_card(), empty_text=text).body
        except Exception:  # noqa: BLE001 - the guide itself is broken; still answer Kakao
            logger.exception("Could not build the apology from the guide.")
            return render_answer([], None, empty_text=LAST_RESORT_TEXT).body
