#!/usr/bin/env bash
# Start MSC Trials Atlas on the bundled data at http://${HOST:-127.0.0.1}:${PORT:-8050}
# (creates .venv with the runtime dependencies on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
exec .venv/bin/python app.py
