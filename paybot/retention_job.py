"""Retention while the bot runs: the Rasa server deletes old conversations at start-up and periodically.

The Rasa server creates our tracker store (:class:`rasa_runtime.tracker_store.ConversationStore`, named in
``endpoints.yml`` with ``retention_job: true``) while it starts, inside its Sanic app's
``before_server_start`` listener. The store then calls :func:`start_with_server`, which adds
:meth:`RetentionJob.run_forever` to that app as a named Sanic task: it runs once right away and then every
``TRACKER_RETENTION_INTERVAL_HOURS``, and Sanic cancels it when the server stops. Nothing starts where
no server is running (``rasa test``, scripts, tests that build a store), nor twice in one process (a
model reload creates a new store). Each server of a cluster, and each Sanic worker, runs its own job:
:func:`paybot.retention.apply_retention` makes simultaneous runs harmless.

The database work runs in a worker thread, so the server keeps answering customers meanwhile. A failed
run (database unreachable) is logged and tried again at the next interval; it never stops the server.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paybot.retention import RetentionReport, apply_retention, retention_now
from paybot.settings import get_settings

logger = logging.getLogger(__name__)

# The Sanic task's name: one retention job per server process.
TASK_NAME = "paybot.retention"
SECONDS_PER_HOUR = 3600.0


class RetentionJob:
    """Runs retention on one tracker store's database, now and then every ``interval_hours``."""

    def __init__(
        self,
        engine: Engine,
        days: int,
        interval_hours: float,
        now: Callable[[], datetime] = retention_now,
    ) -> None:
        """Args:
        engine: The tracker store's database.
        days: The retention period (``TRACKER_RETENTION_DAYS``); 0 keeps everything.
        interval_hours: Hours between runs (``TRACKER_RETENTION_INTERVAL_HOURS``, fractions allowed).
        now: The clock (the real one, or an earlier frozen one: :func:`paybot.retention.retention_now`).
        """
        self.engine = engine
        self.days = days
        self.interval_hours = interval_hours
        self.now = now

    async def run_once(self) -> Optional[RetentionReport]:
        """One run in a worker thread; its summary is logged. ``None`` when the database failed."""
        try:
            report = await asyncio.to_thread(apply_retention, self.engine, self.days, self.now())
        except sa.exc.SQLAlchemyError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            logger.warning("Retention could not run (%s); trying again in %s h.", first_line, self.interval_hours)
            return None
        except Exception:  # noqa: BLE001 - any other failure must not end the job for the server's lifetime
            logger.exception("Retention failed; trying again in %s h.", self.interval_hours)
            return None
        logger.info("Retention: %s", report.summary())
        return report

    async def run_forever(self) -> None:
        """Runs now, then every ``interval_hours`` until cancelled."""
        while True:
            await self.run_once()
            await asyncio.sleep(self.interval_hours * SECONDS_PER_HOUR)


def _running_sanic_app() -> Any:
    """The Sanic app serving in this process, or ``None`` (no server: a script, a test, ``rasa test``)."""
    from sanic import Sanic

    for app in list(Sanic._app_registry.values()):
        if app.is_running and not app.is_stopping:
            return app
    return None


def start_with_server(engine: Engine, app: Any = None) -> Optional[RetentionJob]:
    """Adds the retention job to the running Rasa server (``app``, found when not given).

    Returns the job, or ``None`` when none was started: retention is off (``TRACKER_RETENTION_DAYS`` 0 or
    ``TRACKER_RETENTION_INTERVAL_HOURS`` 0), no server runs here, or this server already has its job.
    """
    settings = get_settings()
    if settings.tracker_retention_days <= 0:
        logger.info("TRACKER_RETENTION_DAYS is 0 or empty: conversations are kept forever.")
        return None
    if settings.tracker_retention_interval_hours <= 0:
        logger.info("TRACKER_RETENTION_INTERVAL_HOURS is 0: no retention job (run `make retention`).")
        return None
    app = app if app is not None else _running_sanic_app()
    if app is None:
        logger.debug("No running server in this process: no retention job.")
        return None
    if app.get_task(TASK_NAME, raise_exception=False) is not None:
        return None
    job = RetentionJob(engine, settings.tracker_retention_days, settings.tracker_retention_interval_hours)
    app.add_task(job.run_forever(), name=TASK_NAME)
    logger.info(
        "Retention job: conversations older than %s days are deleted now and every %s h.",
        job.days, job.interval_hours,
    )
    return job
