"""Shared fixtures: the action-test trio (dispatcher, domain, tracker), a frozen clock and the live bot.

tests/conftest.py registers this module as a plugin, so every test can ask for these by name.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import paybot.business_hours
from paybot.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from tests.support.live_servers import LiveBot

SEOUL_WEEKDAY_MORNING = datetime(2026, 11, 25, 10, 0)  # a Wednesday, agents working
SEOUL_SATURDAY = datetime(2026, 11, 28, 14, 0)

TrackerFactory = Callable[..., Tracker]


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """Collects what an action sends to the customer."""
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The bot's real domain, as the action server receives it."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(PROJECT_ROOT / "domain")).as_dict()


def user_event(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """A user event as Rasa sends it to the action server."""
    return {
        "event": "user",
        "text": text,
        "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
    }


@pytest.fixture
def make_tracker() -> TrackerFactory:
    """Builds a tracker whose latest message has the given text, intent, entities and ranking."""

    def build(
        text: str,
        intent: str,
        entities: Optional[List[Dict[str, Any]]] = None,
        slots: Optional[Dict[str, Any]] = None,
        earlier: Optional[List[Dict[str, Any]]] = None,
        ranking: Optional[List[Dict[str, Any]]] = None,
        active_loop: Optional[str] = None,
    ) -> Tracker:
        latest = user_event(text, intent, entities)["parse_data"]
        latest["intent_ranking"] = ranking or [{"name": intent, "confidence": 0.9}]
        events = list(earlier or []) + [user_event(text, intent, entities)]
        return Tracker(
            sender_id="test-customer",
            slots=dict(slots or {}),
            latest_message=latest,
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    return build


class _FrozenDatetime(datetime):
    frozen: datetime = SEOUL_WEEKDAY_MORNING

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        moment = cls.frozen.replace(tzinfo=paybot.business_hours.to_local(cls.frozen).tzinfo)
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Freezes the business-hours clock; call the fixture with a Seoul time to move it."""
    monkeypatch.setattr(paybot.business_hours, "datetime", _FrozenDatetime)

    def set_time(moment: datetime) -> None:
        _FrozenDatetime.frozen = moment

    set_time(SEOUL_WEEKDAY_MORNING)
    yield set_time
    set_time(SEOUL_WEEKDAY_MORNING)


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator["LiveBot"]:
    """The real bot over HTTP: trained model, action server, SQLite tracker store."""
    from tests.support.live_servers import live_bot  # heavy (Rasa, the servers): only when a test asks

    with live_bot(tmp_path_factory.mktemp("live-bot")) as running:
        yield running

