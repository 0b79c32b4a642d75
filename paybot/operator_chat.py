"""Whether a customer can be handed to a person in the chat itself (KakaoTalk's operator button).

The Kakao channel adds Kakao's "operator" button (hand-over to the channel's agents in 상담톡) to
hand-off answers when ``KAKAO_OPERATOR_BUTTON`` is on and agents are working; the hand-off action then
points to that button instead of saying that the chat cannot connect to a person. Both ask here, so
the button and the words agree.
"""

from __future__ import annotations

from typing import Optional

from paybot.guide import Guide, load_guide
from paybot.settings import get_settings

KAKAO_CHANNEL = "kakao"


def kakao_operator_offered(guide: Optional[Guide] = None, enabled: Optional[bool] = None) -> bool:
    """Whether the Kakao channel shows the operator button now: ``enabled`` (by default the
    ``KAKAO_OPERATOR_BUTTON`` setting) and agents working."""
    if enabled is None:
        enabled = get_settings().kakao_operator_button
    return enabled and (guide or load_guide()).agent_status().is_open


def chat_handoff_line(input_channel: Optional[str], guide: Optional[Guide] = None) -> str:
    """The request-for-a-person answer's last line: the operator button on Kakao when it is shown,
    otherwise that this chat cannot connect to a person."""
    guide = guide or load_guide()
    if input_channel == KAKAO_CHANNEL and kakao_operator_offered(guide):
        topic = guide.topic("request_human")
        return guide.message("chat_handoff_kakao_operator", operator_label=topic.label if topic else "")
    return guide.message("chat_handoff_phone_only")
