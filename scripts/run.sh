#!/usr/bin/env bash
# Start MSC Trials Atlas on the bundled data at http://${HOST:-127.0.0.1}:${PORT:-8050}
# (creates .venv with the runtime dependencies on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  # Debian's own python3 needs the python3-venv package for this; install it when it is missing.
  python3 -m venv .venv 2>/dev/null || {
    rm -rf .venv
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
exec .venv/bin/python app.py
