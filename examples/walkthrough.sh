#!/usr/bin/env bash
# A curl session against a running Provenance (the one the README shows): ingest a seed press
# release, re-send it, ingest an edited version, list the versions, download and check the
# content, verify a local copy (byte for byte and re-wrapped), diff the versions, trace a quoted
# passage, and check a proof bundle offline. Exits non-zero when an answer is not as expected.
#
#   PROVENANCE_KEY=<writer key> bash examples/walkthrough.sh [SERVER]   (default http://127.0.0.1:8080)
#
# Needs curl, jq, sha256sum and python3 with the cryptography package; reads the seeds from ../shared/corpus/seeds or $PROVENANCE_CORPUS.
set -euo pipefail

SERVER=${1:-${PROVENANCE_URL:-http://127.0.0.1:8080}}
SEEDS=${PROVENANCE_CORPUS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/corpus/seeds}
SEED="$SEEDS/000_cc4899ed6a4ad1be.txt"
KEY=${PROVENANCE_KEY:?set PROVENANCE_KEY to a writer key (provenance keys create --name … --role writer)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -f "$SEED" ] || { echo "seed not found: $SEED (set PROVENANCE_CORPUS)" >&2; exit 2; }

expect() { # expect WHAT ACTUAL WANTED
  if [ "$2" != "$3" ]; then echo "unexpected $1: got '$2', wanted '$3'" >&2; exit 1; fi
}

echo "== 1. Ingest a press release with its provenance"
jq -n --rawfile content "$SEED" '{
  source_url: "https://www.aclu.org/press-releases/aclu-florida-sessions-miami?utm_source=newsletter",
  content: $content,
  title: "ACLU of Florida Statement on Attorney General Sessions Visit to Miami",
  publisher: "ACLU of Florida",
  published_at: "2017-08-16",
  media_contacts: [
    {organization: "ACLU of Florida Media Office", phone: "(786) 363-2737"},
    {name: "Ryan Karerat", phone: "212-284-7388"}
  ]}' > "$WORK/release.json"
status=$(curl -sS -o "$WORK/v1.json" -w '%{http_code}' -X POST "$SERVER/v1/statements" \
  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @"$WORK/release.json")
jq . "$WORK/v1.json"
expect "status of the first ingest" "$status" 201
ID=$(jq -r .statement_id "$WORK/v1.json")

echo "== 2. Send it again: nothing new is created (200, same version)"
status=$(curl -sS -o "$WORK/again.json" -w '%{http_code}' -X POST "$SERVER/v1/statements" \
  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @"$WORK/release.json")
expect "status of the repeated ingest" "$status" 200
expect "version of the repeated ingest" "$(jq .version "$WORK/again.json")" 1

echo "== 3. The statement is quietly edited: ingest the new wording"
sed 's/caving to threats/yielding to threats/' "$SEED" > "$WORK/edited.txt"
jq --rawfile content "$WORK/edited.txt" '.content = $content' "$WORK/release.json" > "$WORK/edited.json"
curl -sS -X POST "$SERVER/v1/statements" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/edited.json" | tee "$WORK/v2.json" | jq '{version, changed, sha256}'
expect "version of the edit" "$(jq .version "$WORK/v2.json")" 2
expect "changed fields of the edit" "$(jq -c .changed "$WORK/v2.json")" '["content"]'

echo "== 4. List the versions"
curl -sS "$SERVER/v1/statements/$ID/versions" | tee "$WORK/versions.json" \
  | jq '.items[] | {version, sha256, ingested_at, changed}'
expect "number of versions" "$(jq '.items | length' "$WORK/versions.json")" 2

echo "== 5. Download version 1 and check it against its digests"
curl -sS -D "$WORK/headers" -o "$WORK/v1.txt" "$SERVER/v1/statements/$ID/versions/1/content"
grep -i '^repr-digest' "$WORK/headers"
expect "hash of the downloaded bytes" "$(sha256sum "$WORK/v1.txt" | cut -d' ' -f1)" "$(jq -r .sha256 "$WORK/v1.json")"

echo "== 6. Verify a copy you hold: is it authentic, and still the current wording?"
curl -sS -X POST "$SERVER/v1/verify" -H 'Content-Type: text/plain' --data-binary @"$SEED" \
  | tee "$WORK/verdict.json" | jq '{verdict, matches: [.matches[] | {statement_id, version, replaced_by}]}'
expect "verdict for the original text" "$(jq -r .verdict "$WORK/verdict.json")" superseded
expect "version replacing it" "$(jq '.matches[0].replaced_by.version' "$WORK/verdict.json")" 2
tr -s ' \n' ' ' < "$SEED" > "$WORK/rewrapped.txt"   # the same words, line breaks gone
expect "verdict for a re-wrapped copy" "$(curl -sS -X POST "$SERVER/v1/verify" -H 'Content-Type: text/plain' \
  --data-binary @"$WORK/rewrapped.txt" | jq -r .verdict)" normalized_match

echo "== 6b. What changed between the versions, and where a quoted passage first appeared"
curl -sS "$SERVER/v1/statements/$ID/diff?from=1&to=2" | tee "$WORK/diff.json" \
  | jq '{cosmetic, chars_added, chars_removed, changes: [.operations[] | select(.op != "equal")]}'
expect "cosmetic flag of the edit" "$(jq .cosmetic "$WORK/diff.json")" false
jq -n '{passage: "Sanctuary city policies improve public safety, protect immigrants, and promote trust between communities and police."}' \
  | curl -sS -X POST "$SERVER/v1/passages/search" -H 'Content-Type: application/json' --data-binary @- \
  | tee "$WORK/passage.json" | jq '.items[] | {statement_id, version, score, published_at}'
expect "statement where the passage appeared" "$(jq -r '.items[0].statement_id' "$WORK/passage.json")" "$ID"

echo "== 7. Prove it offline: the version's proof bundle, checked by an independent verifier"
curl -sS "$SERVER/v1/log/key" > "$WORK/log.key"   # pin this once, through a channel you trust
curl -sS "$SERVER/v1/statements/$ID/versions/1/proof" > "$WORK/bundle.json"
jq '{log_index, tree_size, checkpoint}' "$WORK/bundle.json"
python3 "$(dirname "$0")/verify_bundle.py" "$WORK/bundle.json" --key "$(cat "$WORK/log.key")" --content "$SEED"
echo "walkthrough complete"
