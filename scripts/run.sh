#!/usr/bin/env bash
# Start MSC Trials Atlas on the bundled data at http://${HOST:-127.0.0.1}:${PORT:-8050}
# (creates .venv with the runtime dependencies on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv requirements.txt
exec .venv/bin/python app.py
