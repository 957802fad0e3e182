"""The dataset watcher of a served atlas (msc_atlas.serving.reload), without gunicorn: what it serves after a
repointed symlink, a broken version, and a worker that starts after a refresh."""

from __future__ import annotations

import shutil

import pytest

from msc_atlas import config
from msc_atlas.serving import reload


@pytest.fixture()
def hosted(tmp_path, monkeypatch):
    """The hosted layout: `current` -> versions/old, a second valid copy at versions/new, pins undone afterwards."""
    versions = tmp_path / "versions"
    versions.mkdir()
    shutil.copytree(config.BUNDLED_DATA_DIR, versions / "old")
    shutil.copytree(config.BUNDLED_DATA_DIR, versions / "new")
    current = tmp_path / "current"
    current.symlink_to("versions/old")
    monkeypatch.setenv(config.DATA_DIR_VARIABLE, str(current))
    monkeypatch.setattr(reload, "WATCHER", None)
    yield versions, current
    config.pin_data_dir(None)


def _repoint(current, name):
    current.unlink()
    current.symlink_to(f"versions/{name}")


def test_the_old_version_is_served_until_a_look_loads_the_new_one(hosted):
    versions, current = hosted
    watcher = reload.DatasetWatcher(interval=3600)
    _repoint(current, "new")
    assert config.data_dir() == versions / "old"  # repointed, not yet loaded: requests still read the old one
    watcher.look()
    assert config.data_dir() == versions / "new"
    assert watcher.serving == versions / "new"


def test_a_broken_version_is_never_served_and_not_retried_until_it_changes(hosted, caplog):
    versions, current = hosted
    (versions / "new" / "trials.csv").write_text('nct_id\n"unclosed')
    watcher = reload.DatasetWatcher(interval=3600)
    _repoint(current, "new")
    assert watcher.swap_to(config.configured_data_dir()) is False
    assert config.data_dir() == versions / "old"
    assert watcher.rejected == versions / "new"
    assert "not serving" in caplog.text
    caplog.clear()
    watcher.look()  # the same broken target: not loaded again
    assert "not serving" not in caplog.text


def test_a_worker_started_after_a_refresh_serves_the_new_version_before_its_first_request(hosted):
    """gunicorn forks a recycled worker from the master, which preloaded the old version: post_fork must look."""
    versions, current = hosted
    reload.WATCHER = reload.DatasetWatcher(interval=3600)  # as preloaded in the master
    _repoint(current, "new")  # a refresh while the master keeps the old version
    reload.start_polling()  # gunicorn.conf.py post_fork in the new worker
    assert config.data_dir() == versions / "new"
