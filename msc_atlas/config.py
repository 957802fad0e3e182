"""Run-time settings from environment variables, with safe defaults (debug is off unless asked for)."""
from __future__ import annotations

import os
from dataclasses import dataclass

TRUE_WORDS = {"1", "true", "yes", "on"}


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
