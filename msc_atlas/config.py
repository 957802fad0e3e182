"""Run-time settings from environment variables, with safe defaults (debug is off unless asked for)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
BUNDLED_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_DIR_VARIABLE = "MSC_ATLAS_DATA_DIR"


def data_dir(env: dict[str, str] | None = None) -> Path:
    """The dataset directory: $MSC_ATLAS_DATA_DIR when set (a copy to test or stage), else the bundled data/."""
    chosen = (os.environ if env is None else env).get(DATA_DIR_VARIABLE, "").strip()
    return Path(chosen).expanduser().resolve() if chosen else BUNDLED_DATA_DIR


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False


def from_environment(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    try:
        port = int(env.get("PORT", "8050"))
    except ValueError:
        port = 8050
    if not 0 < port < 65536:
        port = 8050
    return Settings(
        host=env.get("HOST", "127.0.0.1") or "127.0.0.1",
        port=port,
        debug=env.get("DASH_DEBUG", "").strip().lower() in TRUE_WORDS,
    )
