#!/usr/bin/env bash
# The web-archive tools the archive tests run against the service's output
# (tests/archive.rs): warcio (checks and indexes the WARC export), surt (the reference
# SURT keys) and pywb (indexes and replays the export; it needs warcio 1.7.5 or later), from
# PyPI into a project virtualenv at target/archive-venv, exactly at the versions pinned below.
# Idempotent: nothing is done when the venv already has them. Otherwise the venv is made
# anew (--clear): a target folder copied from another checkout holds a venv whose scripts
# name that checkout's Python, and pip is run as the venv's `python -m pip` for that reason.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/archive-venv
pins=(warcio==1.7.5 surt==0.3.1 pywb==2.10.0)
stamp="$venv/.installed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${pins[*]}" ]; then
  exit 0
fi
if ! python3 -m venv --help > /dev/null 2>&1; then
  echo "setup: the archive tests need python3 with venv (apt-get install python3-venv)" >&2
  exit 1
fi
echo "setup: installing ${pins[*]} into $venv"
python3 -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
echo "${pins[*]}" > "$stamp"
