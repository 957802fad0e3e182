"""Fuzzing through the real HTTP endpoints (Flask test client): every callback receives random and hostile values,
every page random and malformed query strings. No 5xx, no traceback in any response, and the app still answers
normally afterwards.

Fast by default (fixed seed, a few dozen cases per callback); a larger run: FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py
"""

from __future__ import annotations

import logging
import os
from urllib.parse import quote

import callback_payloads as cp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msc_atlas import ids

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE_TEXT = [
    "",
    " ",
    "null",
    "undefined",
    "NaN",
    "-1",
    "1e309",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "\x00",
    "\u202e\u0000\ufeff",
    "𝕏" * 50,
    "a" * 100_000,
    "covid19_ards",
    "liver",
    "msc_ev",
    "CHN",
    "NCT04315987",
    "{}",
    "[]",
    "\\",
    "\n\r\t",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=300),
)
hostile = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(
            st.one_of(
                st.text(max_size=20),
                st.sampled_from(
                    ["focus", "country", "q", "year_from", "year_to", "points", "customdata", "trial_id", "set", "at"]
                ),
            ),
            children,
            max_size=6,
        ),
    ),
    max_leaves=20,
)


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture()
def callback_errors():
    """Errors the global callback error handler logged during the test (each one a callback that raised)."""
    from msc_atlas import serving

    handler = _Errors()
    serving.LOG.addHandler(handler)
    yield handler.records
    serving.LOG.removeHandler(handler)


@pytest.fixture(scope="module")
def served():
    import app

    client = app.server.test_client()
    assert client.get("/").status_code == 200  # registers every page's callbacks
    return app, client


def _instances():
    import dash

    from msc_atlas.filters import LENSES

    return {ids.LENS: list(LENSES), ids.NAV_LINK: [page["relative_path"] for page in dash.page_registry.values()]}


def _assert_clean(response) -> None:
    assert response.status_code < 500, response.data[:500]
    assert b"Traceback" not in response.data and b'File "' not in response.data, response.data[:500]


def _callback_keys():
    import app

    client = app.server.test_client()
    client.get("/")
    return sorted(app.app.callback_map)


def _short(key: str) -> str:
    return key.strip(".").split(".")[0][:40]


@pytest.mark.parametrize("key", _callback_keys(), ids=_short)
def test_every_callback_survives_hostile_inputs(served, key, callback_errors):
    app, client = served
    callback = app.app.callback_map[key]
    deps = cp.dependencies(callback)
    changed_options = [f"{cp.id_string(cid)}.{prop}" for cid, prop in deps if not cp.is_pattern(cid)]

    @FUZZ
    @given(
        values=st.lists(hostile, min_size=len(deps), max_size=len(deps)),
        changed=st.sampled_from(changed_options or [""]),
    )
    def check(values, changed):
        pool = iter(values)
        body = cp.request_body(
            key,
            callback,
            lambda cid, prop: next(pool, None),
            changed=[changed] if changed else None,
            instances=_instances(),
        )
        _assert_clean(client.post(cp.DISPATCH, json=body))

    check()
    # Our callbacks validate what they receive instead of raising (the handler would hide it from the user, but a
    # raise means the input was not checked). Dash's own page-routing callback is not ours to change.
    if "_pages_" not in key:
        assert [record.getMessage() for record in callback_errors] == []
    # the page keeps working: a normal filter change still answers with data
    _assert_normal_request_works(app, client)


def _assert_normal_request_works(app, client) -> None:
    key = next(k for k in app.app.callback_map if "trials-grid.getRowsResponse" in k)
    values = {
        (ids.FILTER_STORE, "data"): {"focus": ["liver"]},
        ("trials-grid", "getRowsRequest"): {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}},
    }
    body = cp.request_body(key, app.app.callback_map[key], lambda cid, prop: values.get((cid, prop)))
    response = client.post(cp.DISPATCH, json=body)
    assert response.status_code == 200
    rows = response.get_json()["response"]["trials-grid"]["getRowsResponse"]["rowData"]
    assert rows and all(isinstance(row, dict) and row["trial_id"] for row in rows)


GRID_COLUMNS = ["trial_id", "title", "enrollment", "phase", "country", "first_posted", "url", "nope", "", "__proto__"]
condition_types = st.sampled_from(["contains", "equals", "inRange", "greaterThan", "blank", "regex", "", None])
conditions = st.fixed_dictionaries(
    {},
    optional={"type": condition_types, "filter": hostile, "filterTo": hostile, "filterType": hostile},
)
row_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 100, 1000, 1001, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile,
)
grid_requests = st.fixed_dictionaries(
    {},
    optional={
        "startRow": row_numbers,
        "endRow": row_numbers,
        "sortModel": st.one_of(
            hostile,
            st.lists(
                st.fixed_dictionaries(
                    {},
                    optional={"colId": st.one_of(st.sampled_from(GRID_COLUMNS), hostile), "sort": hostile},
                ),
                max_size=5,
            ),
        ),
        "filterModel": st.one_of(
            hostile,
            st.dictionaries(
                st.sampled_from(GRID_COLUMNS),
                st.one_of(
                    conditions,
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "filterType": st.sampled_from(["text", "number", "date", "set", "join"]),
                            "operator": st.sampled_from(["AND", "OR", "XOR", ""]),
                            "conditions": st.one_of(hostile, st.lists(conditions, max_size=6)),
                        },
                    ),
                ),
                max_size=4,
            ),
        ),
        "context": hostile,
    },
)


@FUZZ
@given(request=grid_requests)
def test_grid_row_requests_get_rows_or_an_empty_answer(served, request, callback_errors):
    """Malformed getRowsRequest payloads (negative or huge rows, unknown columns, bad filter models, wrong types):
    a clear empty block, or no update, or rows from the valid parts; never a 5xx, a traceback or a raised error."""
    app, client = served
    key = next(k for k in app.app.callback_map if "trials-grid.getRowsResponse" in k)
    values = {("trials-grid", "getRowsRequest"): request}
    body = cp.request_body(key, app.app.callback_map[key], lambda cid, prop: values.get((cid, prop)))
    response = client.post(cp.DISPATCH, json=body)
    _assert_clean(response)
    answer = (response.get_json() or {}).get("response", {}).get("trials-grid", {}).get("getRowsResponse")
    if answer is not None:
        assert isinstance(answer["rowData"], list) and isinstance(answer["rowCount"], int)
        assert 0 <= len(answer["rowData"]) <= 1000 and answer["rowCount"] >= 0
    assert [record.getMessage() for record in callback_errors] == []


@FUZZ
@given(envelope=hostile)
def test_dispatch_survives_hostile_envelopes(served, envelope):
    """Not a callback request at all: a 4xx, never a 5xx or a traceback."""
    _, client = served
    _assert_clean(client.post(cp.DISPATCH, json=envelope))


query_keys = st.one_of(
    st.sampled_from(
        ["focus", "country", "q", "from", "to", "posted_by", "product", "tissue", "phase", "", "x", "__proto__"]
    ),
    st.text(max_size=30),
)
query_values = st.one_of(st.sampled_from(HOSTILE_TEXT[:-1]), st.text(max_size=200))


def _query(pairs, raw_tail: str) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs) + raw_tail


@pytest.mark.parametrize(
    "path", ["/", "/sources-routes", "/mechanism", "/trials", "/evidence", "/compare", "/about", "/no-such-page"]
)
def test_pages_survive_hostile_query_strings(served, path):
    app, client = served
    pages_key = next(k for k in app.app.callback_map if "_pages_content.children" in k)

    @FUZZ
    @given(
        pairs=st.lists(st.tuples(query_keys, query_values), max_size=6),
        raw_tail=st.sampled_from(["", "&%", "&%zz", "&&&", "&=", "&focus=%E0%A4%A", "&q=%FF%FE", "#frag"]),
    )
    def check(pairs, raw_tail):
        search = "?" + _query(pairs, raw_tail)
        _assert_clean(client.get(path + search))
        # the page layout itself runs in the pages callback, with the query string as the browser sends it
        body = cp.request_body(
            pages_key, app.app.callback_map[pages_key], lambda cid, prop: path if prop == "pathname" else search
        )
        _assert_clean(client.post(cp.DISPATCH, json=body))

    check()
    _assert_normal_request_works(app, client)


def test_ignored_url_parameters_produce_a_notice(served):
    """The notice behind the visible banner: unknown keys and values are named, valid ones kept."""
    app, client = served
    key = next(k for k in app.app.callback_map if f"{ids.NOTICE}.children" in k)
    search = "?focus=liver&colour=%3Cb%3E&country=XYZ&to=99999"
    body = cp.request_body(
        key,
        app.app.callback_map[key],
        lambda cid, prop: search if (cid, prop) == (ids.URL, "search") else None,
        changed=[f"{ids.URL}.search"],
        instances=_instances(),
    )
    response = client.post(cp.DISPATCH, json=body)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "colour" in text and "XYZ" in text and "99999" in text
    assert response.get_json()["response"][ids.FILTER_STORE]["data"]["focus"] == ["liver"]
    assert "<b>" not in text  # user text travels as a JSON string, never as markup
