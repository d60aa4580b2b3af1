#!/usr/bin/env bash
# The feed reader the feed tests parse the service's Atom feeds with (tests/api/feeds.rs):
# feedparser (and its one dependency, sgmllib3k), from PyPI into a project virtualenv at
# target/feed-venv, exactly at the versions pinned below (see scripts/lib/venv.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/venv.sh
project_venv target/feed-venv "the feed tests" feedparser==6.0.12 sgmllib3k==1.0.0
