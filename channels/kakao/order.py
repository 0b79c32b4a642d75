"""One Kakao customer's turns, one at a time, in arrival order, and never more than a few waiting.

A *ticket* stands for one message between its arrival and the delivery of its answer. The channel
``admit``s it (refused when the customer already has ``max_queued`` messages waiting or running: the
channel then answers "please wait" at once), ``wait``s until every earlier ticket of the same customer
has left, runs the bot, delivers, and lets the ticket ``leave``. A ticket may also leave before its turn
(its deadline passed before it could start): the tickets behind it then move up.

Two forms, chosen by the lock store Rasa uses:

- :class:`LocalSenderOrder` (``LOCK_STORE_TYPE=in_memory``, one Rasa process): a deque per customer.
- :class:`RedisSenderOrder` (``LOCK_STORE_TYPE=redis``, several Rasa processes): a Redis list per customer
  holds the tickets of every process, so two messages of one customer that land on two servers are still
  answered in order, and the bound counts both. Each ticket has a lease key its process renews; a ticket
  whose process died is removed by the next one waiting behind it once its lease runs out. If Redis fails,
  ordering falls back to this process alone (logged), and the customer is still answered.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, Optional, Set

logger = logging.getLogger(__name__)

# Keys in Redis: the queue of a customer's tickets, and each ticket's lease.
QUEUE_KEY = "paybot:kakao:queue:{sender}"
LEASE_KEY = "paybot:kakao:lease:{ticket}"
# A ticket's lease, renewed every third of it while its process is alive.
LEASE_S = 10.0
# A customer's queue disappears this long after its last message (a callback turn lasts under a minute).
QUEUE_TTL_S = 300
# How often a process polls Redis while another process has the customer's turn (first, then at most).
POLL_FIRST_S = 0.005
POLL_MAX_S = 0.05

# KEYS[1] queue, KEYS[2] lease; ARGV: ticket, bound, lease ms, queue ttl s. 1 admitted, 0 refused.
_ADMIT = """
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[3]))
return 1
"""
# KEYS[1] queue; ARGV[1] ticket, ARGV[2] lease key prefix. 1: our turn; 0: wait; 2: a dead ticket removed.
_HEAD = """
local head = redis.call('LINDEX', KEYS[1], 0)
if (not head) or head == ARGV[1] then return 1 end
if redis.call('EXISTS', ARGV[2] .. head) == 0 then
  redis.call('LREM', KEYS[1], 1, head)
  return 2
end
return 0
"""


@dataclass(eq=False)
class Ticket:
    """One message's place in its customer's queue."""

    sender_id: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Set when the ticket is at the head of this process's queue for the customer (or has left).
    _ready: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    left: bool = False
    # Held only in Redis' queue (False: this process's queue only, e.g. Redis failed at admission).
    shared: bool = False


class LocalSenderOrder:
    """Per-customer queues inside this process."""

    def __init__(self, max_queued: int) -> None:
        """Args: max_queued: most messages of one customer waiting or being answered at once."""
        self.max_queued = max(1, max_queued)
        self._queues: Dict[str, Deque[Ticket]] = {}

    async def admit(self, sender_id: str) -> Optional[Ticket]:
        """A ticket at the end of the customer's queue, or ``None`` when it already holds the bound."""
        return self.add(sender_id)

    def add(self, sender_id: str) -> Optional[Ticket]:
        """:meth:`admit`, without waiting."""
        queue = self._queues.setdefault(sender_id, deque())
        if len(queue) >= self.max_queued:
            return None
        ticket = Ticket(sender_id)
        queue.append(ticket)
        if len(queue) == 1:
            ticket._ready.set()
        return ticket

    async def wait(self, ticket: Ticket) -> None:
        """Returns once every earlier ticket of the customer has left (at once if ``ticket`` left)."""
        await ticket._ready.wait()

    async def leave(self, ticket: Ticket) -> None:
        """Removes the ticket (from wherever it is); the next one becomes the head."""
        self.remove(ticket)

    def remove(self, ticket: Ticket) -> None:
        """:meth:`leave`, without waiting."""
        if ticket.left:
            return
        ticket.left = True
        ticket._ready.set()
        queue = self._queues.get(ticket.sender_id)
        if not queue:
            return
        try:
            queue.remove(ticket)
        except ValueError:
            return
        if queue:
            queue[0]._ready.set()
        else:
            del self._queues[ticket.sender_id]

    def waiting(self, sender_id: str) -> int:
        """How many of the customer's messages are waiting or being answered in this process."""
        return len(self._queues.get(sender_id, ()))

    def __len__(self) -> int:
        return len(self._queues)


class RedisSenderOrder:
    """Per-customer queues shared by every Rasa process through Redis (see the module docstring)."""

    def __init__(self, client: Any, max_queued: int) -> None:
        """Args: client: a ``redis.asyncio.Redis``; max_queued: the bound, across all processes."""
        self.max_queued = max(1, max_queued)
        self._client = client
        # This process's tickets: the local order keeps them in order among themselves and is the fallback.
        self._local = LocalSenderOrder(max_queued)
        self._mine: Set[Ticket] = set()
        self._renewer: Optional["asyncio.Task[None]"] = None
        # Admissions go to Redis one at a time, so this process's tickets stand in Redis' queue in the
        # same order as in its own (over a connection pool, two pushes could otherwise swap).
        self._admitting = asyncio.Lock()
        self._admit_script = client.register_script(_ADMIT)
        self._head_script = client.register_script(_HEAD)

    async def admit(self, sender_id: str) -> Optional[Ticket]:
        """A ticket at the end of the customer's shared queue, or ``None`` at the bound."""
        import redis

        async with self._admitting:
            # Never more than the bound here either: admitted below, or refused in Redis.
            ticket = self._local.add(sender_id)
            if ticket is None:
                return None
            try:
                admitted = await self._admit_script(
                    keys=[QUEUE_KEY.format(sender=sender_id), LEASE_KEY.format(ticket=ticket.id)],
                    args=[ticket.id, self.max_queued, int(LEASE_S * 1000), QUEUE_TTL_S],
                )
            except (redis.RedisError, OSError) as error:
                logger.error("Redis failed admitting a Kakao message (%r): this process orders it alone.", error)
                return ticket
        if not admitted:
            self._local.remove(ticket)
            return None
        ticket.shared = True
        self._mine.add(ticket)
        self._keep_leases()
        return ticket

    async def wait(self, ticket: Ticket) -> None:
        """Returns once every earlier ticket of the customer, on any process, has left."""
        import redis

        await self._local.wait(ticket)  # this process's earlier tickets first, without asking Redis
        pause = POLL_FIRST_S
        while ticket.shared and not ticket.left:
            try:
                state = await self._head_script(
                    keys=[QUEUE_KEY.format(sender=ticket.sender_id)],
                    args=[ticket.id, LEASE_KEY.format(ticket="")],
                )
            except (redis.RedisError, OSError) as error:
                logger.error("Redis failed while a Kakao message waited for its turn (%r): going ahead.", error)
                return
            if state == 1:
                return
            if state == 2:
                logger.warning("Removed the Kakao turn of a Rasa process that stopped from %s's queue.",
                               ticket.sender_id)
                continue
            await asyncio.sleep(pause)
            pause = min(pause * 2, POLL_MAX_S)

    async def leave(self, ticket: Ticket) -> None:
        """Removes the ticket from the shared queue and its lease."""
        import redis

        was_shared = ticket.shared and not ticket.left
        self._local.remove(ticket)
        self._mine.discard(ticket)
        if not was_shared:
            return
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.lrem(QUEUE_KEY.format(sender=ticket.sender_id), 1, ticket.id)
                pipe.delete(LEASE_KEY.format(ticket=ticket.id))
                await pipe.execute()
        except (redis.RedisError, OSError) as error:
            logger.error("Redis failed removing a finished Kakao turn (%r); its lease will run out.", error)

    def waiting(self, sender_id: str) -> int:
        """How many of the customer's messages wait or are answered in this process."""
        return self._local.waiting(sender_id)

    def _keep_leases(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.ensure_future(self._renew_leases())

    async def _renew_leases(self) -> None:
        """Renews the leases of this process's tickets while it has any."""
        import redis

        while self._mine:
            await asyncio.sleep(LEASE_S / 3)
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for ticket in list(self._mine):
                        pipe.pexpire(LEASE_KEY.format(ticket=ticket.id), int(LEASE_S * 1000))
                    await pipe.execute()
            except (redis.RedisError, OSError) as error:
                logger.error("Redis failed renewing Kakao turn leases: %r", error)

    def __len__(self) -> int:
        return len(self._local)
