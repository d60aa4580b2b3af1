#!/usr/bin/env bash
# The command-line tools of the README's curl session (examples/walkthrough.sh, run by
# tests/api/walkthrough.rs) and of the verifier tests: curl, jq, python3 (standard library
# only), git. Installed from Debian when missing; nothing is done when they are all there.
set -euo pipefail
declare -A package=([curl]=curl [jq]=jq [python3]=python3 [git]=git)
missing=()
for tool in "${!package[@]}"; do
  command -v "$tool" > /dev/null || missing+=("${package[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing: ${missing[*]}; install them (apt-get install ${missing[*]}) or run this as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
