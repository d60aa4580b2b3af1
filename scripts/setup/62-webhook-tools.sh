#!/usr/bin/env bash
# The webhook receiver's verifier (tests/outbound/webhooks.rs): the reference Standard Webhooks
# library for Python, from PyPI into a project virtualenv at target/webhook-venv, exactly at
# the version pinned below (see scripts/lib/venv.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/lib/venv.sh
project_venv target/webhook-venv "the webhook tests" standardwebhooks==1.1.0
