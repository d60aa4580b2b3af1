#!/usr/bin/env bash
# The browser tests (tests/browser.rs): Debian's Chromium at /usr/bin/chromium, and the npm
# packages of tests/browser (playwright-core, axe-core) exactly as package-lock.json pins them.
# Idempotent: Chromium is installed only when /usr/bin/chromium is missing, and `npm ci` runs only
# when node_modules is missing or was installed from another package-lock.json. Nothing here
# downloads a browser build: playwright-core drives the Debian package.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # fonts-dejavu-core: a font with wide Unicode coverage, so screenshots and contrast checks see
  # real glyphs for the statements' text.
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-liberation >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: the browser tests need Node.js 20 or later with npm (node and npm are not on PATH)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "setup: the browser tests need Node.js 20 or later (playwright-core); found $(node --version)" >&2
  exit 1
fi

project=tests/browser
stamp="$project/node_modules/.installed-from-lock"
lock_sum=$(sha256sum "$project/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "setup: npm ci in $project"
  (cd "$project" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$stamp"
fi
