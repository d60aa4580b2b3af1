#!/usr/bin/env bash
# Tile reads per second: the release binary (`cargo build --release`) on a fresh data folder,
# loaded by wrk (Debian package `wrk`) in its own process, GET /v1/log/checkpoint measured in
# the same run as the baseline.
#
#   examples/tiles_bench.sh [SECONDS] [CONNECTIONS] [ENTRIES]      (defaults 10 16 1000)
#
# Ingests ENTRIES small statements (so the log has full tiles), then runs wrk for SECONDS on
# each of a full level-0 tile, a full entry bundle and the tlog-tiles checkpoint, each right
# after a run on the baseline; prints requests/s and each as a ratio to its baseline.
set -euo pipefail

seconds=${1:-10}
connections=${2:-16}
entries=${3:-1000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/target/release/provenance
port=18787
base=http://127.0.0.1:$port
work=$(mktemp -d)
pid=
cleanup() {
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

key=$("$bin" keys create --data-dir "$work/data" --name bench --role writer)
"$bin" serve --data-dir "$work/data" --bind "127.0.0.1:$port" --rate-limit-ip 0 --rate-limit-key 0 \
    2>"$work/serve.log" &
pid=$!
until curl -sf "$base/healthz" >/dev/null; do sleep 0.1; done

seq 1 "$entries" | xargs -P 16 -I{} curl -sf -o /dev/null -X POST "$base/v1/statements" \
    -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    --data-binary '{"source_url": "https://bench.example/{}", "content": "Statement number {} for the tile benchmark."}'
echo "log: $(curl -sf "$base/checkpoint" | sed -n 2p) entries; $(nproc) cores; wrk -t1 -c$connections -d${seconds}s"

rate() {
    curl -sf -o /dev/null "$base$1" # a 200, or the run stops
    wrk -t1 -c"$connections" -d"${seconds}s" "$base$1" | awk '/Requests\/sec/ {print $2}'
}
# Each path right after its own baseline run, so that drift in a shared machine's load does
# not skew the ratio.
for path in /tile/0/000 /tile/entries/000 /checkpoint; do
    baseline=$(rate /v1/log/checkpoint)
    r=$(rate "$path")
    bytes=$(curl -sf -o /dev/null -w '%{size_download}' "$base$path")
    printf '%-18s %6s bytes %8.0f req/s   /v1/log/checkpoint %8.0f req/s   ratio %.2f\n' \
        "$path" "$bytes" "$r" "$baseline" "$(awk "BEGIN {print $r / $baseline}")"
done
