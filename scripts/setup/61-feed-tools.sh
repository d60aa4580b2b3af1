#!/usr/bin/env bash
# The feed reader the feed tests parse the service's Atom feeds with (tests/api/feeds.rs):
# feedparser (and its one dependency, sgmllib3k), from PyPI into a project virtualenv at
# target/feed-venv, exactly at the versions pinned below. Idempotent: nothing is done when the
# venv already has them.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/feed-venv
pins=(feedparser==6.0.12 sgmllib3k==1.0.0)
stamp="$venv/.installed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${pins[*]}" ]; then
  exit 0
fi
if ! python3 -m venv --help > /dev/null 2>&1; then
  echo "setup: the feed tests need python3 with venv (apt-get install python3-venv)" >&2
  exit 1
fi
echo "setup: installing ${pins[*]} into $venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
echo "${pins[*]}" > "$stamp"
