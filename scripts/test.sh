#!/usr/bin/env bash
# Install what the tests need (Python packages in .venv; Debian chromium + chromium-driver when missing)
# and run the whole suite, browser tests included, on two workers. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt_install chromium chromium-driver
fi
ensure_venv requirements-dev.txt
export DASH_TEST_CHROMEPATH="${DASH_TEST_CHROMEPATH:-$(command -v chromium)}"
# Two workers (pytest-xdist), one test file each at a time: the browser tests mostly wait on a browser, so two
# share the 2 cores well; PYTEST_WORKERS=0 runs everything in this process.
exec .venv/bin/python -m pytest --headless -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
