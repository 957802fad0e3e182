"""Build /_dash-update-component request bodies the way the Dash renderer sends them, from an app's callback map.

Used by the fuzz and hardening tests and by the benchmarks (bench/, which put tests/ on their path) to drive every
callback through the real HTTP endpoint.
No Dash import: the callback map is plain data (`app.callback_map`, filled once the app served its first request).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

DISPATCH = "/_dash-update-component"


def parse_id(raw: str) -> Any:
    """A component id from the callback map: a plain string, or the dict of a pattern-matching id."""
    if raw.startswith("{"):
        return json.loads(raw)
    return raw


def is_pattern(component_id: Any) -> bool:
    return isinstance(component_id, dict)


def concrete_ids(pattern: dict, instances: Mapping[str, list[Any]]) -> list[dict]:
    """The concrete ids an ALL pattern matches, from `instances`: type -> list of index values."""
    kind = str(pattern.get("type"))
    return [{**pattern, "index": index} for index in instances.get(kind, [])]


def id_string(component_id: Any) -> str:
    """How the renderer names an id inside "changedPropIds" (dict ids as compact JSON with sorted keys)."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def _dependency(spec: dict, value_for: Callable[[Any, str], Any], instances: Mapping[str, list[Any]]) -> Any:
    component_id = parse_id(spec["id"])
    prop = spec["property"]
    if is_pattern(component_id):
        return [
            {"id": cid, "property": prop, "value": value_for(cid, prop)}
            for cid in concrete_ids(component_id, instances)
        ]
    return {"id": component_id, "property": prop, "value": value_for(component_id, prop)}


def outputs_of(output_key: str) -> list[tuple[Any, str]]:
    """(component id, property) of every output named in a callback-map key (pattern ids as dicts)."""
    key = output_key.split("@", 1)[0]
    parts = key[2:-2].split("...") if key.startswith("..") and key.endswith("..") else [key]
    return [(parse_id(part.rsplit(".", 1)[0]), part.rsplit(".", 1)[1]) for part in parts]


def _outputs(output_key: str, instances: Mapping[str, list[Any]]) -> Any:
    """The "outputs" field: one {id, property} (single output) or a list of them (multi-output)."""
    key = output_key  # an allow_duplicate output keeps its "@<hash>" in the property, as the renderer sends it
    multi = key.startswith("..") and key.endswith("..")
    parts = key[2:-2].split("...") if multi else [key]
    outputs: list[Any] = []
    for part in parts:
        raw_id, prop = part.rsplit(".", 1)
        component_id = parse_id(raw_id)
        if is_pattern(component_id):
            outputs.append([{"id": cid, "property": prop} for cid in concrete_ids(component_id, instances)])
        else:
            outputs.append({"id": component_id, "property": prop})
    return outputs if multi else outputs[0]


def request_body(
    output_key: str,
    callback: Mapping[str, Any],
    value_for: Callable[[Any, str], Any],
    changed: list[str] | None = None,
    instances: Mapping[str, list[Any]] | None = None,
) -> dict:
    """The JSON body for one call of the callback registered under `output_key` in `app.callback_map`.

    value_for(component_id, property) gives each input and state value; `changed` lists "id.property" strings
    (default: the first input). `instances` names the concrete ids of pattern-matching (ALL) dependencies.
    """
    instances = instances or {}
    inputs = [_dependency(spec, value_for, instances) for spec in callback["inputs"]]
    state = [_dependency(spec, value_for, instances) for spec in callback.get("state", [])]
    if changed is None:
        first = callback["inputs"][0]
        first_id = parse_id(first["id"])
        if is_pattern(first_id):
            ids = concrete_ids(first_id, instances)
            changed = [f"{id_string(ids[0])}.{first['property']}"] if ids else []
        else:
            changed = [f"{first_id}.{first['property']}"]
    return {
        "output": output_key,
        "outputs": _outputs(output_key, instances),
        "inputs": inputs,
        "changedPropIds": changed,
        "parsedChangedPropsIds": changed,
        "state": state,
    }


def dependencies(callback: Mapping[str, Any]) -> list[tuple[Any, str]]:
    """(component id, property) of every input and state of a callback (pattern ids as dicts)."""
    return [(parse_id(spec["id"]), spec["property"]) for spec in [*callback["inputs"], *callback.get("state", [])]]
