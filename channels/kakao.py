"""The KakaoTalk channel: Rasa as the skill server of a Kakao i Open Builder chatbot.

``POST /webhooks/kakao/webhook?token=...`` takes Open Builder's skill request and answers in its
skill response format (see :mod:`channels.kakao_render`), inside Kakao's 5-second limit:

- **Authenticity.** Open Builder does not sign requests, so the skill URL carries a secret
  (``KAKAO_SKILL_TOKEN``) as ``?token=`` or an ``X-Skill-Token`` header, compared in constant time;
  ``KAKAO_BOT_ID`` can also restrict which bots may call. Without a valid token: 401, the bot is not
  run. With no token configured the channel refuses everything and says so in the start-up log.
- **Time.** Each message becomes a *turn* that runs in the background; the request waits for it at
  most ``KAKAO_TIME_BUDGET_S``. A late turn with a ``callbackUrl`` is answered ``useCallback`` at
  once and its answer POSTed to the callback URL exactly once (an apology if the bot is still busy
  after ``CALLBACK_DEADLINE_S``); without a ``callbackUrl`` the customer gets the guide's apology with
  the phone number in time, and the late answer stays in the tracker.
- **Order.** One customer's turns run one after another, in arrival order, each only after the one
  before it was delivered (including its callback), so answers never overtake each other.
- **Input.** Malformed requests get a 400 JSON error; the text goes through :mod:`channels.guard`
  (cleaning, limits, personal-data masking) like every channel's.

Customer ids are prefixed ``kakao:`` so they never collide with other channels' senders.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text, Tuple

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import finish_replies, prepare_message
from channels.kakao_models import MalformedRequest, SkillRequest, parse_skill_request
from channels.kakao_render import EXTRA_PAYLOAD_KEY, ContactCard, render_answer, render_callback_wait
from paybot.guide import load_guide
from paybot.operator_chat import kakao_operator_offered
from paybot.privacy import mask
from paybot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

CHANNEL_NAME = "kakao"
SENDER_PREFIX = "kakao:"
TOKEN_HEADER = "X-Skill-Token"
TOKEN_QUERY = "token"
# Kakao waits 5 s; a budget above this would let Kakao give up before the channel does.
MAX_TIME_BUDGET_S = 4.5
# A callback URL is valid for about a minute: the answer, or an apology, is posted before this.
CALLBACK_DEADLINE_S = 50.0
# One attempt only (exactly once); this bounds how long it may take.
CALLBACK_HTTP_TIMEOUT_S = 10.0
# Customers whose last quick replies are remembered (oldest forgotten first).
MAX_REMEMBERED_SENDERS = 10_000
# Longest quick-reply payload taken from ``action.clientExtra``.
MAX_PAYLOAD_CHARS = 200
# Said when even the guide cannot be read (then the phone number is not known either).
LAST_RESORT_TEXT = "죄송해요, 지금은 답변을 드리기 어려워요. 잠시 후 다시 말씀해 주세요."

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def _json(body: Any, status: int = 200) -> HTTPResponse:
    """A JSON response with Korean written as UTF-8, not as \\u escapes."""
    return response.json(body, status=status, dumps=functools.partial(json.dumps, ensure_ascii=False))


def _error(message: str, status: int) -> HTTPResponse:
    return _json({"error": message}, status=status)


def _masked(value: Any, depth: int = 0) -> Any:
    """``value`` with personal data masked in every string (block parameters can hold what users typed)."""
    if isinstance(value, str):
        return mask(value)
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


@dataclass
class Turn:
    """One customer message on its way through the bot and back to Kakao."""

    sender_id: str
    skill: SkillRequest
    started: float
    answer: "asyncio.Future[Dict[str, Any]]"
    finished: "asyncio.Future[None]"
    # Set when the request stopped waiting: the turn then delivers by callback, or not at all.
    late: bool = False
    callback_used: bool = False
    watchdog: Optional["asyncio.Task[None]"] = None

    @property
    def callback_url(self) -> Optional[str]:
        """Where a late answer goes, if Kakao gave one."""
        return self.skill.callback_url


@dataclass
class SenderQueues:
    """Makes one customer's turns run one at a time, in the order their requests arrived.

    Each turn waits for the ``finished`` future of the turn before it; joining is synchronous (no
    ``await``), so the order is exactly the order in which the requests were read.
    """

    _last: Dict[str, "asyncio.Future[None]"] = field(default_factory=dict)

    def join(self, sender_id: str, finished: "asyncio.Future[None]") -> Optional["asyncio.Future[None]"]:
        """Puts a turn at the end of the sender's queue; returns what it must wait for first."""
        previous = self._last.get(sender_id)
        self._last[sender_id] = finished
        return previous

    def leave(self, sender_id: str, finished: "asyncio.Future[None]") -> None:
        """Forgets the sender once their last turn is done."""
        if self._last.get(sender_id) is finished:
            del self._last[sender_id]

    def __len__(self) -> int:
        return len(self._last)


class KakaoInput(InputChannel):
    """Kakao i Open Builder skill endpoint (``/webhooks/kakao/webhook``)."""

    @classmethod
    def name(cls) -> Text:
        """Name of the channel; also the URL prefix (``/webhooks/kakao``)."""
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Creates the channel from the settings; ``credentials.yml`` holds no secret for it."""
        if credentials:
            logger.warning(
                "The kakao channel ignores its credentials.yml entries (%s); it reads KAKAO_* environment variables.",
                ", ".join(sorted(credentials)),
            )
        return cls(get_settings())

    def __init__(self, settings: Optional[Settings] = None) -> None:
        """Reads the channel's settings once and logs how it is configured.

        Args:
            settings: The bot's settings; read from the environment when ``None``.
        """
        settings = settings or get_settings()
        self._token = settings.kakao_skill_token
        self._bot_ids = frozenset(settings.kakao_bot_ids)
        self._operator_button = settings.kakao_operator_button
        self._budget = min(max(settings.kakao_time_budget_s, 0.0), MAX_TIME_BUDGET_S)
        if self._budget != settings.kakao_time_budget_s:
            logger.warning(
                "KAKAO_TIME_BUDGET_S=%s is outside 0-%s s; using %s s.",
                settings.kakao_time_budget_s,
                MAX_TIME_BUDGET_S,
                self._budget,
            )
        self._queues = SenderQueues()
        self._offered: "OrderedDict[str, Dict[str, str]]" = OrderedDict()
        self._tasks: Set["asyncio.Task[Any]"] = set()
        if not self._token:
            logger.warning(
                "KAKAO_SKILL_TOKEN is not set: the kakao channel refuses every request with 401. Set it to a "
                "long random secret, e.g. export KAKAO_SKILL_TOKEN=$(python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'), restart, and give Open Builder the skill URL "
                "https://<your-host>/webhooks/kakao/webhook?token=<that secret> (see docs/kakao.md)."
            )
        else:
            logger.info(
                "Kakao channel ready on /webhooks/kakao/webhook: bots %s, time budget %.2f s, operator button %s.",
                ", ".join(sorted(self._bot_ids)) or "any",
                self._budget,
                "on" if self._operator_button else "off",
            )

    # ----------------------------------------------------------------------------------------------
    # HTTP

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The channel's Sanic blueprint: a health check and the skill webhook."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return _json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            started = asyncio.get_running_loop().time()
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            try:
                skill = parse_skill_request(request.body or b"")
            except MalformedRequest as error:
                return _error(str(error), 400)
            if self._bot_ids and skill.bot.id not in self._bot_ids:
                logger.warning("Refused a skill request from a bot that is not in KAKAO_BOT_ID.")
                return _error("This bot may not call the skill.", 403)
            return _json(await self._answer_in_time(skill, started, on_new_message))

        return webhook

    def _refusal(self, request: Request) -> Optional[HTTPResponse]:
        """401 unless the request carries the skill token (header first, then ``?token=``)."""
        if not self._token:
            return _error("The kakao channel has no KAKAO_SKILL_TOKEN configured; it refuses all requests.", 401)
        offered = request.headers.get(TOKEN_HEADER)
        if offered is None:
            offered = request.args.get(TOKEN_QUERY)
        if offered is None:
            return _error(f"Missing skill token (?{TOKEN_QUERY}=... or {TOKEN_HEADER} header).", 401)
        if not hmac.compare_digest(offered.encode("utf-8"), self._token.encode("utf-8")):
            logger.warning("Refused a skill request with a wrong token.")
            return _error("Invalid skill token.", 401)
        return None

    # ----------------------------------------------------------------------------------------------
    # Time budget, ordering, delivery

    async def _answer_in_time(
        self, skill: SkillRequest, started: float, on_new_message: OnNewMessage
    ) -> Dict[str, Any]:
        """Starts the turn and returns its answer, or the callback/apology answer when the budget runs out."""
        loop = asyncio.get_running_loop()
        turn = Turn(
            sender_id=SENDER_PREFIX + skill.userRequest.user.id,
            skill=skill,
            started=started,
            answer=loop.create_future(),
            finished=loop.create_future(),
        )
        previous = self._queues.join(turn.sender_id, turn.finished)
        self._spawn(self._run_turn(turn, previous, on_new_message))
        remaining = self._budget - (loop.time() - started)
        try:
            return await asyncio.wait_for(asyncio.shield(turn.answer), timeout=max(remaining, 0.0))
        except asyncio.TimeoutError:
            if turn.answer.done():
                return turn.answer.result()
        except asyncio.CancelledError:
            turn.late = True  # Kakao hung up; nobody reads this answer
            raise
        turn.late = True
        if turn.callback_url:
            turn.watchdog = self._spawn(self._callback_deadline(turn))
            logger.info("Turn of %s is over the %.2f s budget: answered useCallback.", turn.sender_id, self._budget)
            return render_callback_wait(load_guide().message("callback_wait"))
        logger.warning(
            "Turn of %s is over the %.2f s budget and has no callbackUrl: apologised.", turn.sender_id, self._budget
        )
        return self._apology()

    def _spawn(self, coroutine: Awaitable[Any]) -> "asyncio.Task[Any]":
        """Runs ``coroutine`` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run_turn(
        self, turn: Turn, previous: Optional["asyncio.Future[None]"], on_new_message: OnNewMessage
    ) -> None:
        """Waits for the sender's previous turn, runs the bot, delivers the answer, then lets the next turn go."""
        try:
            if previous is not None:
                await previous
            try:
                body = await self._run_bot(turn, on_new_message)
            except Exception:  # noqa: BLE001 - whatever failed, the customer gets an answer
                logger.exception("The kakao channel failed on a message from %s.", turn.sender_id)
                body = self._apology()
            await self._deliver(turn, body)
        finally:
            if not turn.finished.done():
                turn.finished.set_result(None)
            self._queues.leave(turn.sender_id, turn.finished)

    async def _deliver(self, turn: Turn, body: Dict[str, Any]) -> None:
        """Hands the answer to the waiting request, or posts it to the callback URL, or logs that it is late."""
        if not turn.late:
            turn.answer.set_result(body)
            return
        if turn.watchdog is not None and not turn.callback_used:
            turn.watchdog.cancel()  # not yet posting the apology; once it is, let that post finish
        if turn.callback_url:
            await self._post_callback(turn, body)
        else:
            logger.info(
                "The answer to %s came after the apology and has no callbackUrl; it stays in the tracker.",
                turn.sender_id,
            )

    async def _callback_deadline(self, turn: Turn) -> None:
        """Posts the apology to the callback URL if the bot is still busy close to its expiry."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(max(CALLBACK_DEADLINE_S - (loop.time() - turn.started), 0.0))
        if not turn.callback_used:
            logger.warning(
                "The bot took over %.0f s for %s: posted the apology to the callback.",
                CALLBACK_DEADLINE_S,
                turn.sender_id,
            )
            await self._post_callback(turn, self._apology())

    async def _post_callback(self, turn: Turn, body: Dict[str, Any]) -> None:
        """POSTs ``body`` to the turn's callback URL, once: a second call does nothing, a failure is logged."""
        if turn.callback_used or not turn.callback_url:
            return
        turn.callback_used = True
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        try:
            timeout = aiohttp.ClientTimeout(total=CALLBACK_HTTP_TIMEOUT_S)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(
                    turn.callback_url,
                    data=data,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                    allow_redirects=False,
                ) as reply:
                    text = await reply.text()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Posting the answer for %s to its callback URL failed: %r", turn.sender_id, error)
            return
        status = _kakao_status(text)
        if reply.status >= 400 or status not in (None, "SUCCESS"):
            logger.error("Kakao refused the callback for %s: HTTP %s, status %s.", turn.sender_id, reply.status, status)
        else:
            logger.info("Posted the answer for %s to its callback URL.", turn.sender_id)

    # ----------------------------------------------------------------------------------------------
    # The bot

    async def _run_bot(self, turn: Turn, on_new_message: OnNewMessage) -> Dict[str, Any]:
        """Runs the message through the guard and the bot and renders the skill response."""
        text, tapped = self._resolve_text(turn.sender_id, turn.skill)
        prepared = prepare_message(text)
        collector = KakaoOutput()
        if prepared.runs_bot:
            try:
                await on_new_message(
                    UserMessage(
                        prepared.text,
                        collector,
                        turn.sender_id,
                        input_channel=CHANNEL_NAME,
                        metadata=self._metadata(turn.skill, tapped),
                    )
                )
            except Exception:  # noqa: BLE001 - finish_replies answers with the technical-error text
                logger.exception("The bot failed on a Kakao message from %s.", turn.sender_id)
        replies = finish_replies(prepared, collector.messages)
        guide = load_guide()
        rendered = render_answer(replies, self._contact_card(), empty_text=guide.message("technical_error"))
        self._remember_offered(turn.sender_id, rendered.offered)
        return rendered.body

    def _resolve_text(self, sender_id: str, skill: SkillRequest) -> Tuple[str, Optional[str]]:
        """What Rasa gets: the payload of a tapped quick reply, else the utterance.

        A quick reply sends its title as the customer's message (that is what the chat shows); its
        payload comes back in ``action.clientExtra`` and is also remembered per customer, so a tap
        reaches Rasa as the exact payload even if Kakao drops the extra.

        Returns:
            The text for Rasa, and the quick reply's title when one was tapped.
        """
        utterance = skill.userRequest.utterance
        offered = self._offered.get(sender_id, {})
        extra = skill.action.clientExtra.get(EXTRA_PAYLOAD_KEY)
        if isinstance(extra, str) and extra.strip() and len(extra) <= MAX_PAYLOAD_CHARS:
            return extra.strip(), mask(utterance.strip())
        payload = offered.get(utterance.strip())
        if payload:
            return payload, utterance.strip()
        return utterance, None

    def _remember_offered(self, sender_id: str, offered: Dict[str, str]) -> None:
        """Keeps the quick replies just offered to the customer (only the latest answer's count)."""
        self._offered.pop(sender_id, None)
        if offered:
            self._offered[sender_id] = dict(offered)
            while len(self._offered) > MAX_REMEMBERED_SENDERS:
                self._offered.popitem(last=False)

    @staticmethod
    def _metadata(skill: SkillRequest, tapped: Optional[str]) -> Dict[str, Any]:
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

    def _contact_card(self) -> Optional[ContactCard]:
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

    def _apology(self) -> Dict[str, Any]:
        """The guide's technical-error answer (apology, phone number, hours) as a skill response."""
        try:
            text = load_guide().message("technical_error")
            return render_answer([{"text": text}], self._contact_card(), empty_text=text).body
        except Exception:  # noqa: BLE001 - the guide itself is broken; still answer Kakao
            logger.exception("Could not build the apology from the guide.")
            return render_answer([], None, empty_text=LAST_RESORT_TEXT).body


def _kakao_status(text: str) -> Optional[str]:
    """The ``status`` of Kakao's callback reply (SUCCESS, FAIL, ERROR), if it is one."""
    try:
        reply = json.loads(text)
    except ValueError:
        return None
    return reply.get("status") if isinstance(reply, dict) else None
