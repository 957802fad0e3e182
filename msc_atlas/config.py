"""Where everything lives (every path of the checkout) and the run-time settings from environment variables, with
safe defaults (debug is off unless asked for)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DATA_DIR = REPO_ROOT / "data"  # what `python -m msc_atlas.pipeline` writes
SOURCES_DIR = REPO_ROOT / "sources"  # vendored registry exports and review tables the build reads
CURATION_DIR = REPO_ROOT / "curation"  # reviewed corrections and maps the build reads
# The corrections are an input of the build, not part of a dataset directory: a copy of data/ elsewhere
# ($MSC_ATLAS_DATA_DIR) is built with the same file, and version.json records its SHA-256.
CORRECTIONS_FILE = CURATION_DIR / "corrections.csv"
REFRESH_RUNS_DIR = REPO_ROOT / "refresh_runs"  # reports and fetched pages of `python -m msc_atlas.refresh`
DATA_DIR_VARIABLE = "MSC_ATLAS_DATA_DIR"


# The directory a running app serves (msc_atlas.serving.reload), with the $MSC_ATLAS_DATA_DIR setting it was pinned
# for: the pin holds while the setting is the same (a symlink repointed under it does not move the app until the
# new version is loaded), and a changed setting (another copy of data/, as in the tests) is followed at once.
_pinned: tuple[str, Path] | None = None


def configured_data_dir(env: dict[str, str] | None = None) -> Path:
    """$MSC_ATLAS_DATA_DIR when set (a copy to test or stage, or a `current` symlink to a versioned directory),
    else the bundled data/, resolved now: a symlink that was repointed gives its new target."""
    chosen = (os.environ if env is None else env).get(DATA_DIR_VARIABLE, "").strip()
    return Path(chosen).expanduser().resolve() if chosen else BUNDLED_DATA_DIR


def data_dir(env: dict[str, str] | None = None) -> Path:
    """The dataset directory: the one a running app has pinned (so a request reads one consistent version while a
    refreshed version is being loaded), else `configured_data_dir()`."""
    if env is None and _pinned is not None and _pinned[0] == os.environ.get(DATA_DIR_VARIABLE, "").strip():
        return _pinned[1]
    return configured_data_dir(env)


def pin_data_dir(path: Path | None) -> None:
    """Serve `path` from now on, for the current $MSC_ATLAS_DATA_DIR setting (None: follow the setting again)."""
    global _pinned
    _pinned = None if path is None else (os.environ.get(DATA_DIR_VARIABLE, "").strip(), path)


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
