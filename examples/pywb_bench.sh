#!/usr/bin/env bash
# Provenance against pywb 2.10 on the same data (issue 15's comparison), and the WARC export
# and import throughput:
#
#   examples/pywb_bench.sh [URLS] [SECONDS] [CONNECTIONS]        (defaults 10000 10 16)
#
# Needs wrk (Debian package `wrk`); makes its own virtualenv, target/pywb-bench-venv, with
# pywb 2.10.0, warcio 1.7.5 and gunicorn 23.0.0 from PyPI. Fills a data folder with URLS × 5
# versions of ~3 KB of HTML (`warc_bench`, captured a day apart), exports it with `provenance
# export --format warc`, lets pywb index that very file (`wb-manager add`), then serves it
# three ways: `provenance serve` (2 workers), pywb's own `wayback` server (one process, gevent,
# its default) and pywb under gunicorn with 2 gevent worker processes (one per core, as a
# production pywb would run). wrk, in its own process, asks each for random URLs' TimeMaps,
# CDX queries and mementos (examples/archive_paths.lua), the three one after the other for
# each kind. Finally it imports the WARC into a fresh service with `provenance import-warc`
# (versions/s, MB/s of WARC).
set -euo pipefail

urls=${1:-10000}
seconds=${2:-10}
connections=${3:-16}
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/target/pywb-bench-venv/bin
bin=$root/target/release/provenance
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
. "$root/scripts/lib/venv.sh"
project_venv "$root/target/pywb-bench-venv" "the pywb benchmark" warcio==1.7.5 pywb==2.10.0 gunicorn==23.0.0
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

cd "$root"
cargo build --release --quiet --bin provenance --example warc_bench
echo "== fill and export to a counting sink (warc_bench)"
target/release/examples/warc_bench "$((urls * 5))" "$work"

seconds_of() { # runs a command, prints its wall time in seconds
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    awk "BEGIN {printf \"%.2f\", $end - $start}"
}
warc=$work/export.warc.gz
t=$(seconds_of "$bin" export --format warc --data-dir "$work/data" -o "$warc" 2>/dev/null)
mb=$(awk "BEGIN {print $(stat -c %s "$warc") / 1e6}")
echo "export --format warc to a file: $t s, $(awk "BEGIN {printf \"%.0f versions/s, %.1f MB/s (%.1f MB)\", $urls * 5 / $t, $mb / $t, $mb}")"
mkdir "$work/pywb"
(cd "$work/pywb" && "$venv/wb-manager" init bench >/dev/null 2>&1)
t=$(cd "$work/pywb" && seconds_of "$venv/wb-manager" add bench "$warc")
echo "pywb wb-manager add (copies and indexes the WARC): $t s"

wait_for() { until curl -sf -o /dev/null "$1"; do sleep 0.2; done; }
"$bin" serve --data-dir "$work/data" --bind 127.0.0.1:18788 --rate-limit-ip 0 --rate-limit-key 0 \
    2>"$work/serve.log" &
pids+=($!)
(cd "$work/pywb" && exec "$venv/wayback" -p 18789 -b 127.0.0.1 >"$work/pywb.log" 2>&1) &
pids+=($!)
(cd "$work/pywb" && exec "$venv/gunicorn" -k gevent -w 2 -b 127.0.0.1:18793 \
    'pywb.apps.frontendapp:FrontEndApp()' >"$work/gunicorn.log" 2>&1) &
pids+=($!)
wait_for http://127.0.0.1:18788/healthz
wait_for "http://127.0.0.1:18789/bench/cdx?url=https://example.org/statements/0"
wait_for "http://127.0.0.1:18793/bench/cdx?url=https://example.org/statements/0"

# Runs wrk once; prints "requests/s p50 p99", refusing a run with any answer but 200.
measure() {
    local out
    out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency -s examples/archive_paths.lua "$1" -- "$2" "$3" "$urls")
    if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; echo "answers other than 2xx: refused" >&2; exit 1; fi
    awk '/Requests\/sec/ {rate=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rate, p50, p99}' <<<"$out"
}
echo "== wrk -t1 -c$connections -d${seconds}s, random URLs of $urls; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-14s %12s %10s %10s\n' kind server requests/s p50 p99
for kind in timemap cdx memento; do
    case $kind in
        cdx) ours=/cdx theirs=/bench/cdx ;;
        *) ours=/web theirs=/bench ;;
    esac
    read -r r1 a1 b1 < <(measure http://127.0.0.1:18788 "$kind" "$ours")
    read -r r2 a2 b2 < <(measure http://127.0.0.1:18789 "$kind" "$theirs")
    read -r r3 a3 b3 < <(measure http://127.0.0.1:18793 "$kind" "$theirs")
    printf '%-8s %-14s %12s %10s %10s\n' "$kind" provenance "$r1" "$a1" "$b1"
    printf '%-8s %-14s %12s %10s %10s   provenance/pywb %.1fx\n' "$kind" "pywb wayback" "$r2" "$a2" "$b2" \
        "$(awk "BEGIN {print $r1 / $r2}")"
    printf '%-8s %-14s %12s %10s %10s   provenance/pywb %.1fx\n' "$kind" "pywb gunicorn" "$r3" "$a3" "$b3" \
        "$(awk "BEGIN {print $r1 / $r3}")"
done

echo "== import-warc into a fresh service"
key=$("$bin" keys create --data-dir "$work/fresh" --name bench --role writer 2>/dev/null)
"$bin" serve --data-dir "$work/fresh" --bind 127.0.0.1:18790 --rate-limit-ip 0 --rate-limit-key 0 \
    2>"$work/fresh.log" &
pids+=($!)
wait_for http://127.0.0.1:18790/healthz
t=$(seconds_of "$bin" import-warc "$warc" --server http://127.0.0.1:18790 --key "$key")
echo "import-warc: $t s, $(awk "BEGIN {printf \"%.0f versions/s, %.1f MB/s of WARC\", $urls * 5 / $t, $mb / $t}")"
curl -sf "http://127.0.0.1:18790/v1/log/checkpoint" | sed -n 2p | sed 's/^/log size after import: /'
