"""Serving a refreshed dataset without a restart: watch the dataset directory and swap to a new version in place.

A hosted atlas points $MSC_ATLAS_DATA_DIR at a symlink (`/srv/atlas/current -> versions/2026.12.01-refresh`).
A refresh writes a complete, validated version directory beside the old one and repoints the symlink atomically
(msc_atlas.refresh with `--out /srv/atlas/current`). A thread in each worker process looks at the symlink every
`INTERVAL` seconds (started after gunicorn forks: gunicorn.conf.py `post_fork`, or by the first request of a
process that was not forked); when it points elsewhere, the thread loads and validates the new version while
requests keep being answered from the old one, builds its filter index and counts, and only then pins it
(msc_atlas.config.pin_data_dir) and forgets the answers computed from the old one. A version that fails
validation is logged and never served; the old one stays. No request waits for the load, and none fails.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from flask import Flask

from msc_atlas import cache, config
from msc_atlas.serving.startup import LOG, one_line

INTERVAL = 2.0  # seconds between looks at the symlink (a stat per look; requests in between skip it)


class DatasetWatcher:
    """Pins the dataset directory a process serves and swaps to a new one when the configured path points elsewhere."""

    def __init__(self, interval: float = INTERVAL) -> None:
        self.interval = interval
        self.serving: Path = config.configured_data_dir()
        self.rejected: Path | None = None  # a version that failed validation: not tried again until it changes
        self._polling_in: int | None = None  # the process whose polling thread runs (threads do not survive fork)
        config.pin_data_dir(self.serving)

    def start(self) -> None:
        """Start this process's polling thread, once per process (cheap to call on every request)."""
        if self._polling_in == os.getpid():
            return
        self._polling_in = os.getpid()
        threading.Thread(target=self._poll, name="dataset-watch", daemon=True).start()

    def _poll(self) -> None:
        try:
            while True:
                time.sleep(self.interval)
                try:
                    self.look()
                except Exception:  # noqa: BLE001 - one failed look must not end the watching
                    LOG.exception("dataset watch: look at %s failed", config.configured_data_dir())
        except SystemExit:  # a test server stopped by raising SystemExit in its threads: end quietly
            return

    def look(self) -> None:
        """One look at the configured directory (a stat); loads and swaps when it points at a new version."""
        target = config.configured_data_dir()
        if target not in (self.serving, self.rejected):
            self.swap_to(target)

    def swap_to(self, target: Path) -> bool:
        """Load, validate and index `target`, then serve it. False (and the old version stays) when it is broken."""
        from msc_atlas import data
        from msc_atlas.counting import TrialCounts
        from msc_atlas.filters import FilterIndex
        from msc_atlas.views.trials import GridTable

        started = time.perf_counter()
        try:
            frame = data.load_all(target)
            version = data.load_version(target / "version.json")["dataset_version"]
            index = FilterIndex(frame)
            counts = TrialCounts(index)
            grid = GridTable(frame)
        except Exception as err:  # noqa: BLE001 - whatever is wrong with the new files, keep serving the old version
            self.rejected = target
            LOG.error("not serving %s: %s", target, one_line(err))
            return False
        config.pin_data_dir(target)
        cache.remember("index", frame, index)
        cache.remember("counts", index, counts)
        cache.remember("grid", frame, grid)
        cache.clear_results()
        # a request that was computing from the old version as the pin moved may store its answer after this
        # clear; a second clear once such requests are done (they take milliseconds) forgets those too
        second_clear = threading.Timer(self.interval, cache.clear_results)
        second_clear.daemon = True  # a stopping process does not wait for it
        second_clear.start()
        self.serving, self.rejected = target, None
        LOG.info("now serving dataset %s from %s (loaded in %.2f s)", version, target, time.perf_counter() - started)
        return True


WATCHER: DatasetWatcher | None = None


def install(server: Flask, watcher: DatasetWatcher | None = None) -> DatasetWatcher:
    """Watch the dataset directory in every process that serves requests."""
    global WATCHER
    WATCHER = watcher or DatasetWatcher()
    server.before_request(WATCHER.start)
    return WATCHER


def start_polling() -> None:
    """gunicorn's post_fork hook: each worker watches from its start, before its first request.

    A worker forks from the master, which still holds the dataset it preloaded. A worker started after a refresh
    (gunicorn recycles workers every `max_requests`) looks once before it accepts a request, so it never answers
    from the old version while its sibling already serves the new one."""
    if WATCHER is None:
        return
    try:
        WATCHER.look()
    except Exception:  # noqa: BLE001 - the polling thread tries again; the preloaded version is still valid
        LOG.exception("dataset watch: first look at %s failed", config.configured_data_dir())
    WATCHER.start()
