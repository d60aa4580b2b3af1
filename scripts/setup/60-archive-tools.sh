#!/usr/bin/env bash
# The web-archive tools the archive tests run against the service's output
# (tests/archive.rs): warcio (checks and indexes the WARC export), surt (the reference
# SURT keys) and pywb (indexes and replays the export; it needs warcio 1.7.5 or later), from
# PyPI into a project virtualenv at target/archive-venv, exactly at the versions pinned below
# (see scripts/lib/venv.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/venv.sh
project_venv target/archive-venv "the archive tests" warcio==1.7.5 surt==0.3.1 pywb==2.10.0
