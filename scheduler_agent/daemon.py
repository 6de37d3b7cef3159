"""Run modes around one core: the long-running daemon (APScheduler 3.x) and the cron pass with its lock.

Both call the same `tick(now)`; the daemon only adds an interval, signal handling and clean shutdown.
A failing tick is logged and the next one runs as scheduled: the loop never dies of one bad pass.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler

from .clock import Clock

log = logging.getLogger(__name__)

Tick = Callable[[datetime], Any]


@contextmanager
def single_instance(lock_path: Path) -> Iterator[bool]:
    """Yield True when this process holds the lock, False when another pass is already running.

    An flock dies with its process, so a killed cron run never leaves a stale lock behind.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def run_daemon(
    tick: Tick,
    clock: Clock,
    *,
    poll_seconds: int,
    stop: threading.Event | None = None,
    install_signals: bool = True,
) -> None:
    """Poll every `poll_seconds` until SIGTERM/SIGINT (or `stop` is set); one tick at a time, coalesced."""
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": max(poll_seconds, 1)},
    )

    def job() -> None:
        tick(clock.now())

    def on_error(event: JobExecutionEvent) -> None:
        log.error("tick failed; the next one runs in %ss: %r", poll_seconds, event.exception)

    scheduler.add_listener(on_error, EVENT_JOB_ERROR)
    scheduler.add_job(
        job,
        "interval",
        seconds=poll_seconds,
        id="poll",
        next_run_time=datetime.now().astimezone() + timedelta(milliseconds=10),
    )

    def shutdown(*_: object) -> None:
        log.info("shutting down: finishing the current pass")
        if scheduler.running:
            scheduler.shutdown(wait=True)

    if install_signals:
        signal.signal(signal.SIGTERM, shutdown)
        signal.signal(signal.SIGINT, shutdown)
    if stop is not None:
        threading.Thread(target=lambda: (stop.wait(), shutdown()), name="daemon-stop", daemon=True).start()
    log.info("polling every %ss", poll_seconds)
    scheduler.start()
