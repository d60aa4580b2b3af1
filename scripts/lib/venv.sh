# Sourced by scripts/setup/*.sh: `project_venv VENV WHAT PIN…` makes the project virtualenv VENV
# (under target/) hold exactly the pinned PyPI packages, for WHAT (named in its messages).
# Idempotent: nothing is done when the venv already has them. Otherwise the venv is made anew
# (--clear): a target folder copied from another checkout holds a venv whose scripts name that
# checkout's Python, and pip is run as the venv's `python -m pip` for that reason.
project_venv() {
  local venv=$1 what=$2
  shift 2
  local stamp="$venv/.installed"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$*" ]; then
    return 0
  fi
  if ! python3 -m venv --help > /dev/null 2>&1; then
    echo "setup: $what need python3 with venv (apt-get install python3-venv)" >&2
    return 1
  fi
  echo "setup: installing $* into $venv"
  python3 -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  echo "$*" > "$stamp"
}
