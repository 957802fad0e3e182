# Shared by run.sh and test.sh (sourced, not run).

as_root() {  # run a command as root: directly when we are root, else through sudo
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_venv() {  # .venv with the packages of requirements file $1
  if [ ! -x .venv/bin/python ]; then
    # Debian's own python3 needs the python3-venv package for this; install it when it is missing.
    python3 -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; python3 -m venv .venv; }
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"
}
