#!/usr/bin/env bash
# Install what the tests need (Python packages in .venv; Debian chromium + chromium-driver when missing)
# and run the whole suite, browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  # Debian's own python3 needs the python3-venv package for this; install it when it is missing.
  python3 -m venv .venv 2>/dev/null || {
    rm -rf .venv
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

export DASH_TEST_CHROMEPATH="${DASH_TEST_CHROMEPATH:-$(command -v chromium)}"
exec .venv/bin/python -m pytest --headless "$@"
