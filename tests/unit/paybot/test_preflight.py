"""Start-up checks: several Rasa workers are refused without the Redis lock store they need."""

from __future__ import annotations

import pytest

from paybot.preflight import ServiceUnavailable, check_workers, main
from paybot.settings import Settings


@pytest.mark.parametrize(
    ("workers", "lock_store", "refused"),
    [(1, "in_memory", False), (2, "in_memory", True), (2, "redis", False)],
)
def test_several_workers_need_the_redis_lock_store(workers: int, lock_store: str, refused: bool) -> None:
    """SANIC_WORKERS above 1 with the in-memory lock store is refused (Rasa would run only one)."""
    settings = Settings(sanic_workers=workers, lock_store_type=lock_store)
    if refused:
        with pytest.raises(ServiceUnavailable, match="LOCK_STORE_TYPE=redis"):
            check_workers(settings)
    else:
        check_workers(settings)


def test_refusal_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    """The start-up check names the setting to change and exits non-zero."""
    settings = Settings(sanic_workers=2, lock_store_type="in_memory", tracker_store_url="sqlite:///x.db")
    assert main(settings) == 1
    assert capsys.readouterr().err.strip() == (
        "Cannot start: SANIC_WORKERS=2 needs LOCK_STORE_TYPE=redis (and Redis at REDIS_HOST, REDIS_PORT): "
        "with the in_memory lock store Rasa runs one worker"
    )
