"""Who may call the Kakao skill: the skill token and the bot ids. Pure functions, no I/O.

Open Builder does not sign requests, so the skill URL carries a secret (``KAKAO_SKILL_TOKEN``) as
``?token=`` or an ``X-Skill-Token`` header, compared in constant time; ``KAKAO_BOT_ID`` can also restrict
which bots may call. With no token configured the channel refuses everything.
"""

from __future__ import annotations

import hmac
import logging
from typing import AbstractSet, Optional

from sanic.request import Request

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Skill-Token"
TOKEN_QUERY = "token"


def bot_id_key(bot_id: str) -> str:
    """A bot id as compared with ``KAKAO_BOT_ID``: Kakao sends the same bot's id with and without a
    trailing "!" (``5cdfbded384c5578c43cc447!``), so the mark is not part of the comparison."""
    return bot_id.strip().rstrip("!")


def token_refusal(request: Request, token: Optional[str]) -> Optional[str]:
    """Why the request is refused with 401, or ``None`` when it carries the skill token.

    Args:
        request: The skill request; the token is read from the header first, then ``?token=``.
        token: The configured ``KAKAO_SKILL_TOKEN``; empty or ``None`` refuses every request.

    Returns:
        The error message to answer with, or ``None``.
    """
    if not token:
        return "The kakao channel has no KAKAO_SKILL_TOKEN configured; it refuses all requests."
    offered = request.headers.get(TOKEN_HEADER)
    if offered is None:
        offered = request.args.get(TOKEN_QUERY)
    if offered is None:
        return f"Missing skill token (?{TOKEN_QUERY}=... or {TOKEN_HEADER} header)."
    if not hmac.compare_digest(offered.encode("utf-8"), token.encode("utf-8")):
        logger.warning("Refused a skill request with a wrong token.")
        return "Invalid skill token."
    return None


def bot_allowed(bot_id: str, bot_ids: AbstractSet[str]) -> bool:
    """Whether ``bot_id`` may call the skill: any bot when ``bot_ids`` (keys, see :func:`bot_id_key`) is empty."""
    if bot_ids and bot_id_key(bot_id) not in bot_ids:
        logger.warning("Refused a skill request from a bot that is not in KAKAO_BOT_ID.")
        return False
    return True
