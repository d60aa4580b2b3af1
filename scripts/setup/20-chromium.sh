#!/bin/sh
# Chromium (Debian's package), for the tests that load pages in a real browser: that a stored
# page's script does not run, and that the docs page renders under its Content-Security-Policy.
set -eu
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "chromium is missing: run as root, or apt-get install chromium" >&2
    exit 1
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
