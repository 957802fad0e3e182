"""A running gunicorn serves a refreshed dataset without a restart, under load, with zero failed requests.

The hosted layout: $MSC_ATLAS_DATA_DIR is a `current` symlink to a version directory. While four clients keep
asking for the Overview (its callback) and /health, a refresh from a website download writes a new version and
repoints the symlink; every worker must then serve the new version, and no request may fail on the way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

import callback_payloads as cp
import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from msc_atlas import config, ids
from msc_atlas.refresh import run as R

ROOT = config.REPO_ROOT
DOWNLOAD = (
    config.SOURCES_DIR
    / "raw"
    / "ctgov_website_exports"
    / ("Anand21J-V__Clinical-Trial-Semantic-Model-Query__ctg-studies.csv")
)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _overview_body() -> dict:
    """The Overview callback's request for the default filter, as the renderer sends it."""
    import app

    assert app.server.test_client().get("/").status_code == 200  # registers every page's callbacks
    key = next(k for k in app.app.callback_map if "overview-numbers" in k)
    return cp.request_body(key, app.app.callback_map[key], lambda cid, prop: {} if cid == ids.FILTER_STORE else None)


@pytest.fixture()
def served(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    shutil.copytree(config.BUNDLED_DATA_DIR, versions / "bundled")
    current = tmp_path / "current"
    current.symlink_to("versions/bundled")
    port = _free_port()
    env = os.environ | {
        config.DATA_DIR_VARIABLE: str(current),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
    }
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError((tmp_path / "gunicorn.log").read_text())
        yield base, current, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_a_refresh_is_served_without_a_restart_and_without_a_failed_request(served):
    base, current, tmp_path = served
    body = json.dumps(_overview_body())
    stop = threading.Event()
    seen: list[tuple[float, str]] = []  # (time, dataset version) of every /health answer
    failures: list[str] = []
    answered = [0]

    def client() -> None:
        session = requests.Session()
        # gunicorn recycles a worker every `max_requests` (about 6,000 here: a worker does get recycled during this
        # test) and closes its idle keep-alive connections; a request sent on such a connection at that instant
        # fails before any answer. Browsers resend a request that failed on a reused connection, so this client
        # does too, once. A second failure, a refused connection or any non-200 answer still fails the test.
        retry_once = Retry(total=1, connect=0, read=1, status=0, other=0, allowed_methods=None, raise_on_status=False)
        session.mount("http://", HTTPAdapter(max_retries=retry_once))
        while not stop.is_set():
            try:
                update = session.post(
                    base + cp.DISPATCH, data=body, headers={"Content-Type": "application/json"}, timeout=30
                )
                health = session.get(base + "/health", timeout=30)
            except requests.RequestException as err:
                failures.append(type(err).__name__)
                continue
            for response in (update, health):
                if response.status_code != 200 or b"Traceback" in response.content:
                    failures.append(f"{response.request.path_url} {response.status_code}")
            answered[0] += 2
            if health.status_code == 200:
                seen.append((time.monotonic(), health.json()["dataset_version"]))

    clients = [threading.Thread(target=client) for _ in range(4)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(2)  # load before the refresh
        result = R.refresh(ctgov_csv=[DOWNLOAD], out_dir=current, report_dir=tmp_path / "run", verbose=False)
        repointed = time.monotonic()
        new = result["dataset_version"]
        assert current.resolve().name == new
        deadline = repointed + 60
        while time.monotonic() < deadline:  # until the last 20 answers (both workers) all show the new version
            recent = [v for t, v in seen[-20:] if t > repointed]
            if len(recent) == 20 and set(recent) == {new}:
                break
            time.sleep(0.2)
        time.sleep(1)  # and some more load on the new version
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    versions = [v for _, v in seen]
    assert failures == [], failures[:10]
    assert answered[0] > 100
    assert versions[0] == "2026.11.30" and versions[-1] == new
    assert {v for _, v in seen[-20:]} == {new}
    # the callback now answers from the new version too: the headline count includes the added trials
    update = requests.post(base + cp.DISPATCH, data=body, headers={"Content-Type": "application/json"}, timeout=30)
    trials = json.loads(update.content)["response"]["overview-numbers"]["children"]
    assert f"{result['counts']['msc_products']:,}" in json.dumps(trials)
    log = (tmp_path / "gunicorn.log").read_text()
    assert log.count(f"now serving dataset {new}") >= 2  # every worker swapped (a recycled one as it started)
