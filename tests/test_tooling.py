"""Standard tooling, run by the test command (scripts/test.sh): the linter, the formatter and the type checker are
clean, and pyproject.toml declares the same dependencies as the requirements files the scripts install."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "."), ("ruff", "format", "--check", "."), ("mypy",)],
    ids=["ruff check", "ruff format", "mypy"],
)
def test_tool_is_clean(command):
    result = _run(*command)
    assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"


def _requirements(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip() and not line.startswith("-r")]


def _names(requirements: list[str]) -> dict[str, str]:
    return {re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower(): requirement for requirement in requirements}


def test_pyproject_declares_what_the_requirements_files_install():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _names(project["dependencies"]) == _names(_requirements("requirements.txt"))
    assert _names(project["optional-dependencies"]["dev"]) == _names(_requirements("requirements-dev.txt"))


def test_the_pipeline_imports_one_way():
    """No import circle in msc_atlas.pipeline (module level or inside functions): the build calls down into the
    classifiers, curation, gold and report modules, and nothing it imports imports it back."""
    import ast

    root = Path(__file__).resolve().parents[1] / "msc_atlas" / "pipeline"
    modules = {p.stem: p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("msc_atlas.pipeline."):
                    deps.add(node.module.split(".")[-1])
                elif node.module == "msc_atlas.pipeline":
                    deps |= {alias.name for alias in node.names}
        graph[name] = deps & set(modules) - {name}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(d == goal or (d not in seen and reaches(d, goal, seen | {d})) for d in graph[start])

    circular = sorted(name for name in graph if reaches(name, name, {name}))
    assert not circular, f"modules in an import circle: {circular}"
