"""Each Kakao message as a *turn*: answered inside the time budget, in order, delivered exactly once.

How the budget, the load bound, the per-customer order and callbacks work together is told in
:mod:`channels.kakao`; the arrival time and the estimate are :mod:`channels.kakao.deadline`'s, the queue
:mod:`channels.kakao.order`'s, the callback allow-list and POST :mod:`channels.kakao.callback`'s.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Dict, Optional, Set, Tuple, Union

from channels.kakao.answers import Answers, OnNewMessage
from channels.kakao.callback import post_callback, usable_callback
from channels.kakao.deadline import TurnEstimate
from channels.kakao.models import SkillRequest
from channels.kakao.order import LocalSenderOrder, RedisSenderOrder, Ticket
from channels.kakao.render import render_callback_wait
from paybot.guide import load_guide

logger = logging.getLogger(__name__)

SENDER_PREFIX = "kakao:"
# A callback URL is valid for about a minute: the answer, or an apology, is posted before this.
CALLBACK_DEADLINE_S = 50.0


@dataclass(eq=False)
class Turn:
    """One customer message on its way through the bot and back to Kakao.

    Times are ``time.monotonic()`` seconds; ``deadline`` is ``arrived`` plus the time budget.
    """

    sender_id: str
    skill: SkillRequest
    arrived: float
    deadline: float
    answer: "asyncio.Future[Dict[str, Any]]"
    ticket: Ticket
    # Where a late answer goes: the request's callbackUrl when it is on an allowed host (KAKAO_CALLBACK_HOSTS).
    callback_url: Optional[str] = None
    # The bot began working on it; a turn not started by its deadline is never run without a callback.
    started: bool = False
    skipped: bool = False
    # Set when the request stopped waiting: the turn then delivers by callback, or not at all.
    late: bool = False
    callback_used: bool = False
    timer: Optional[asyncio.TimerHandle] = None
    watchdog: Optional["asyncio.Task[None]"] = None


class TurnRunner:
    """Runs the turns of one channel: time budget, concurrency bound, per-customer order, delivery."""

    def __init__(
        self,
        answers: Answers,
        order: Union[LocalSenderOrder, RedisSenderOrder],
        budget: float,
        max_concurrent: int,
        callback_hosts: Tuple[str, ...],
        callback_allow_http: bool,
    ) -> None:
        """Takes the channel's parts and limits (read from the settings by :class:`KakaoInput`)."""
        self.answers = answers
        self.order = order
        self.budget = budget
        self._callback_hosts = callback_hosts
        self._callback_allow_http = callback_allow_http
        self._slots = asyncio.Semaphore(max_concurrent)
        # A turn is not started when it could not finish in time; the estimate never exceeds half the budget.
        self._estimate = TurnEstimate(cap_s=budget / 2)
        self._tasks: Set["asyncio.Task[Any]"] = set()

    async def answer_in_time(self, skill: SkillRequest, arrived: float, on_new_message: OnNewMessage) -> Dict[str, Any]:
        """Queues the turn and returns its answer, or what the watchdog answers at the deadline.

        Args:
            skill: The parsed request.
            arrived: When the request arrived (``time.monotonic()``; see :func:`arrival_time`).
            on_new_message: Rasa's handler.

        Returns:
            The bot's answer if it came before ``arrived`` plus the budget; else ``useCallback`` (with an
            allowed callbackUrl) or the apology; the guide's ``kakao_busy_wait`` at once when the customer
            already has ``KAKAO_MAX_QUEUED_PER_USER`` messages waiting.
        """
        loop = asyncio.get_running_loop()
        sender_id = SENDER_PREFIX + skill.userRequest.user.id
        ticket = await self.order.admit(sender_id)
        if ticket is None:
            logger.warning("%s already has %d messages waiting: answered kakao_busy_wait.",
                           sender_id, self.order.max_queued)
            return self.answers.busy()
        turn = Turn(
            sender_id=sender_id,
            skill=skill,
            arrived=arrived,
            deadline=arrived + self.budget,
            answer=loop.create_future(),
            ticket=ticket,
            callback_url=usable_callback(skill, self._callback_hosts, self._callback_allow_http),
        )
        turn.timer = loop.call_later(max(turn.deadline - time.monotonic(), 0.0), self._on_deadline, turn)
        self._spawn(self._run_turn(turn, on_new_message))
        try:
            return await asyncio.shield(turn.answer)
        except asyncio.CancelledError:
            turn.late = True  # Kakao hung up; nobody reads this answer
            raise

    def _on_deadline(self, turn: Turn) -> None:
        """The watchdog, run by a timer at the turn's deadline: answers the request if the bot has not.

        With a callbackUrl the answer is ``useCallback`` and the turn goes on (it is delivered by callback);
        without, the apology, and a turn that has not started yet is skipped, never run.
        """
        if turn.timer is not None:
            turn.timer.cancel()
        if turn.answer.done():
            return
        turn.late = True
        overdue = time.monotonic() - turn.deadline
        if overdue > 0.25:  # the event loop was held up (a long synchronous step of another turn)
            logger.warning("The deadline of %s's turn was handled %.2f s late.", turn.sender_id, overdue)
        if turn.callback_url:
            turn.watchdog = self._spawn(self._callback_deadline(turn))
            logger.info("Turn of %s is over the %.2f s budget: answered useCallback.", turn.sender_id, self.budget)
            turn.answer.set_result(render_callback_wait(load_guide().message("callback_wait")))
            return
        if not turn.started:
            self._skip(turn)
            logger.warning("Turn of %s did not start within the %.2f s budget and has no callbackUrl: "
                           "apologised, not run.", turn.sender_id, self.budget)
        else:
            logger.warning("Turn of %s is over the %.2f s budget and has no callbackUrl: apologised.",
                           turn.sender_id, self.budget)
        turn.answer.set_result(self.answers.apology())

    def _skip(self, turn: Turn) -> None:
        """The turn will not run: its place in the customer's queue goes to the next one at once."""
        turn.skipped = True
        self._spawn(self.order.leave(turn.ticket))

    def _spawn(self, coroutine: Awaitable[Any]) -> "asyncio.Task[Any]":
        """Runs ``coroutine`` in the background, keeping a reference until it ends."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run_turn(self, turn: Turn, on_new_message: OnNewMessage) -> None:
        """Waits for the customer's earlier turns and a free slot, runs the bot, delivers, then lets the
        next turn go; a turn that can no longer be answered in time is not run (:meth:`_shed`)."""
        try:
            await self.order.wait(turn.ticket)
            if turn.skipped:
                return
            async with self._slots:
                if turn.skipped or await self._shed(turn):
                    return
                turn.started = True
                began = time.monotonic()
                try:
                    body = await self.answers.bot_answer(turn.sender_id, turn.skill, on_new_message)
                except Exception:  # noqa: BLE001 - whatever failed, the customer gets an answer
                    logger.exception("The kakao channel failed on a message from %s.", turn.sender_id)
                    body = self.answers.apology()
                self._estimate.record(time.monotonic() - began)
            await self._deliver(turn, body)
        finally:
            await self.order.leave(turn.ticket)

    async def _shed(self, turn: Turn) -> bool:
        """Whether a turn about to start is dropped instead, because it could not be answered in time.

        Without a callbackUrl, the request is answered with the apology now (not at its deadline) when
        the time left is less than a turn takes now; with one, the apology is posted to the callback when
        the callback URL would expire first. The conversation then never holds a message whose answer
        the customer did not get.
        """
        now = time.monotonic()
        needs = self._estimate.seconds
        if turn.callback_url:
            if turn.callback_used:  # the expiry watchdog already apologised
                turn.skipped = True
                return True
            if now + needs < turn.arrived + CALLBACK_DEADLINE_S:
                return False
            turn.skipped = True
            logger.warning("Turn of %s could not start before its callback expires: apologised by callback.",
                           turn.sender_id)
            if not turn.answer.done():
                self._on_deadline(turn)
            if turn.watchdog is not None:
                turn.watchdog.cancel()
            await self._post_callback(turn, self.answers.apology())
            return True
        if turn.answer.done() or now + needs > turn.deadline:
            if not turn.answer.done():
                logger.warning("Turn of %s could not finish within the %.2f s budget (a turn takes %.2f s now): "
                               "apologised, not run.", turn.sender_id, self.budget, needs)
                self._on_deadline(turn)
            turn.skipped = True
            return True
        return False

    async def _deliver(self, turn: Turn, body: Dict[str, Any]) -> None:
        """Hands the answer to the waiting request if it is still in time; else posts it to the callback
        URL, or only logs that it is late (it is never sent inline after the deadline)."""
        if not turn.late and not turn.answer.done():
            if time.monotonic() <= turn.deadline:
                if turn.timer is not None:
                    turn.timer.cancel()
                turn.answer.set_result(body)
                return
            self._on_deadline(turn)  # the timer has not had its turn yet on a busy loop: decide now
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
        await asyncio.sleep(max(CALLBACK_DEADLINE_S - (time.monotonic() - turn.arrived), 0.0))
        if not turn.callback_used:
            logger.warning(
                "The bot took over %.0f s for %s: posted the apology to the callback.",
                CALLBACK_DEADLINE_S,
                turn.sender_id,
            )
            await self._post_callback(turn, self.answers.apology())

    async def _post_callback(self, turn: Turn, body: Dict[str, Any]) -> None:
        """POSTs ``body`` to the turn's callback URL, once: a second call does nothing, a failure is logged."""
        if turn.callback_used or not turn.callback_url:
            return
        turn.callback_used = True
        await post_callback(turn.callback_url, body, turn.sender_id)
