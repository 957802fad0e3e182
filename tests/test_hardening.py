"""Serving hardening (msc_atlas.serving): security headers, /health, callback errors without tracebacks, static
gzip, and a start that stops with one clear line on a broken dataset."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import callback_payloads as cp
import pytest

from msc_atlas import ids

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def client():
    import app

    test_client = app.server.test_client()
    assert test_client.get("/").status_code == 200  # registers every page's callbacks
    return test_client


@pytest.fixture(scope="module")
def callback_map():
    import app

    return app.app.callback_map


def _key(callback_map, output: str) -> str:
    return next(key for key in callback_map if output in key)


def _trials_detail_body(callback_map, selected) -> dict:
    key = _key(callback_map, "trials-detail.children")
    return cp.request_body(key, callback_map[key], lambda cid, prop: selected)


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/trials", "/health", "/assets/10-atlas.css"])
def test_security_headers_on_pages_and_files(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_csp_allows_exactly_the_inline_scripts_dash_writes(client):
    import app

    csp = _csp(client.get("/"))
    assert sorted(csp["script-src"]) == sorted(["'self'", *app.app.csp_hashes()])


def test_headers_on_a_callback_response(client, callback_map):
    response = client.post(cp.DISPATCH, json=_trials_detail_body(callback_map, [{"trial_id": "not-a-trial"}]))
    assert response.status_code == 200
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_health_reports_the_dataset(client):
    from msc_atlas.data import load_trials

    response = client.get("/health")
    body = response.get_json()
    assert body["status"] == "ok" and body["trials"] == len(load_trials())
    assert body["dataset_version"] == load_trials().attrs["version"]["dataset_version"]


@pytest.mark.parametrize(
    "raw",
    [
        "{}",
        "[]",
        '"text"',
        '{"output": "nope.children"}',
        '{"output": 5}',
        '{"output": "trials-detail.children", "inputs": 7}',
        "not json",
    ],
)
def test_malformed_callback_request_is_a_client_error_without_traceback(client, raw):
    response = client.post(cp.DISPATCH, data=raw, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert b"Traceback" not in response.data and b'File "' not in response.data


def test_a_failing_callback_shows_a_notice_not_a_traceback(client, callback_map, monkeypatch, caplog):
    from msc_atlas.ui import trial_detail

    def broken(_trial_id):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(trial_detail, "panel", broken)
    response = client.post(cp.DISPATCH, json=_trials_detail_body(callback_map, [{"trial_id": "NCT04348461"}]))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret internal detail" not in text
    notice = response.get_json()["sideUpdate"][ids.NOTICE]["children"]
    assert "went wrong" in json.dumps(notice)


def test_static_javascript_is_served_gzipped_once_compressed(client):
    import app

    index = client.get("/").get_data(as_text=True)
    script = next(part.split('"')[0] for part in index.split('src="')[1:] if "dash_renderer" in part)
    plain = client.get(script)
    first = client.get(script, headers={"Accept-Encoding": "gzip"})
    again = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in first.headers["Vary"]
    assert gzip.decompress(first.data) == plain.data and again.data == first.data
    assert len(first.data) < len(plain.data) / 2
    assert app.server  # the app object stays importable after the requests


def test_debug_is_off_unless_asked_for():
    from msc_atlas import config

    assert config.from_environment({}).debug is False
    assert config.from_environment({"DASH_DEBUG": "1"}).debug is True


def test_data_dir_can_be_pointed_elsewhere(tmp_path):
    from msc_atlas import config

    assert config.data_dir({}) == config.BUNDLED_DATA_DIR
    assert config.data_dir({"MSC_ATLAS_DATA_DIR": str(tmp_path)}) == tmp_path.resolve()


# ------------------------------------------------------------------------------------------------ broken data


def _corrupt(kind: str, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    if kind == "missing column":
        return "".join(
            line.replace(",sponsor_class", "", 1) if n == 0 else line for n, line in enumerate(lines)
        ).encode()
    if kind == "bad ID":
        return (lines[0] + "XX" + lines[1] + "".join(lines[2:])).encode()
    if kind == "duplicate ID":
        return "".join(lines + [lines[1]]).encode()
    if kind == "truncated file":
        return text[: len(text) // 2].encode()
    if kind == "wrong encoding":
        return text.encode("utf-16")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text, newline="")))
    column, value = {
        "bad date": ("first_posted", "2020-13-45"),
        "unknown category": ("product", "stem_soup"),
        "negative number": ("enrollment", "-5"),
    }[kind]
    rows[3][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


KINDS = [
    "missing column",
    "bad ID",
    "bad date",
    "unknown category",
    "duplicate ID",
    "truncated file",
    "wrong encoding",
    "negative number",
]


def _broken_data_dir(tmp_path: Path, kind: str) -> Path:
    from msc_atlas.config import BUNDLED_DATA_DIR

    target = tmp_path / "data"
    target.mkdir()
    for source in BUNDLED_DATA_DIR.iterdir():
        if source.is_file():
            (target / source.name).write_bytes(source.read_bytes())
    trials = target / "trials.csv"
    trials.write_bytes(_corrupt(kind, trials.read_text(encoding="utf-8")))
    return target


def _start(command: list[str], data_dir: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"MSC_ATLAS_DATA_DIR": str(data_dir), "PORT": "1", "HOST": "127.0.0.1"}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind", KINDS)
def test_app_refuses_to_start_on_broken_data(tmp_path, kind):
    result = _start([sys.executable, "app.py"], _broken_data_dir(tmp_path, kind))
    assert result.returncode != 0
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output
    message = [line for line in output.splitlines() if "cannot start" in line]
    assert len(message) == 1 and "trials.csv" in message[0], output


def test_gunicorn_refuses_to_start_on_broken_data(tmp_path):
    result = _start(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:server"], _broken_data_dir(tmp_path, "bad ID")
    )
    assert result.returncode != 0
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output
    assert "MSC Trials Atlas cannot start: " in output and "trials.csv" in output and "line 2" in output
