#!/usr/bin/env bash
# The README's curl session, with every answer checked: start a throw-away Provenance (its own
# temporary data folder, its first admin key), make a writer key through it, ingest a seed press
# release and a copy of it posted elsewhere, re-send it, ingest an edited version, list the
# versions, download and check the content, verify a local copy (byte for byte and re-wrapped),
# diff the versions, trace a quoted passage, and check a proof bundle offline. Everything happens
# in temporary folders, removed at the end with the service stopped, so the session runs twice in
# a row and leaves nothing behind. Exits non-zero when an answer is not as expected.
#
#   cargo build --release && bash examples/walkthrough.sh
#
# Needs bash, curl, jq, coreutils (sha256sum, base64, od, mktemp) and python3 (its standard
# library only). PROVENANCE_BIN names the binary (default target/release/provenance),
# PROVENANCE_BIND the address (default 127.0.0.1:8080; port 0 takes a free one), and
# PROVENANCE_CORPUS the seeds (default ../shared/corpus/seeds).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PROVENANCE=${PROVENANCE_BIN:-$REPO/target/release/provenance}
SEED=${PROVENANCE_CORPUS:-$REPO/../shared/corpus/seeds}/000_cc4899ed6a4ad1be.txt
VERIFY_BUNDLE=$REPO/examples/verify_bundle.py
[ -x "$PROVENANCE" ] || { echo "no binary at $PROVENANCE: run cargo build --release (or set PROVENANCE_BIN)" >&2; exit 2; }
[ -f "$SEED" ] || { echo "seed not found: $SEED (set PROVENANCE_CORPUS)" >&2; exit 2; }

expect() { # expect WHAT ACTUAL WANTED
  if [ "$2" != "$3" ]; then echo "unexpected $1: got '$2', wanted '$3'" >&2; exit 1; fi
}

echo "== 0. A throw-away registry, and a working folder"
DATA=$(mktemp -d) && cd "$(mktemp -d)"
WORK=$PWD
"$PROVENANCE" serve --data-dir "$DATA" --bind "${PROVENANCE_BIND:-127.0.0.1:8080}" 2> serve.log &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; wait $SERVE 2>/dev/null; rm -rf "$DATA" "$WORK"' EXIT
SERVER=""
until [ -n "$SERVER" ]; do   # the service names its address once it listens
  kill -0 $SERVE 2>/dev/null || { cat serve.log >&2; exit 1; }
  sleep 0.1
  SERVER=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' serve.log)
done
ADMIN=$(cat "$DATA/admin-key")   # the first admin key, written once at the first start
KEY=$("$PROVENANCE" keys create --name desk --role writer --server "$SERVER" --admin-key "$ADMIN")
expect "writer key prefix" "${KEY:0:4}" pvk_

echo "== 1. Ingest a press release with its provenance (and a copy posted elsewhere)"
jq -n --rawfile content "$SEED" '{
  source_url: "https://www.aclu.org/press-releases/aclu-florida-sessions-miami?utm_source=newsletter",
  content: $content,
  title: "ACLU of Florida Statement on Attorney General Sessions Visit to Miami",
  publisher: "ACLU of Florida",
  published_at: "2017-08-16",
  media_contacts: [
    {organization: "ACLU of Florida Media Office", phone: "(786) 363-2737"},
    {name: "Ryan Karerat", phone: "212-284-7388"}
  ]}' > release.json
status=$(curl -sS -o v1.json -w '%{http_code}' -X POST "$SERVER/v1/statements" \
  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @release.json)
jq . v1.json
expect "status of the first ingest" "$status" 201
ID=$(jq -r .statement_id v1.json)
jq -n --rawfile content "$SEED" '{source_url: "https://corpus.example/seeds/000_cc4899ed6a4ad1be.txt", content: $content}' \
  | curl -sS -X POST "$SERVER/v1/statements" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    --data-binary @- | tee mirror.json | jq '{statement_id, source_url, version}'
expect "version of the copy posted elsewhere" "$(jq .version mirror.json)" 1

echo "== 2. Send it again: nothing new is created (200, same version)"
status=$(curl -sS -o again.json -w '%{http_code}' -X POST "$SERVER/v1/statements" \
  -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' --data-binary @release.json)
expect "status of the repeated ingest" "$status" 200
expect "version of the repeated ingest" "$(jq .version again.json)" 1

echo "== 3. The statement is quietly edited: ingest the new wording"
sed 's/caving to threats/yielding to threats/' "$SEED" > edited.txt
jq --rawfile content edited.txt '.content = $content' release.json > edited.json
curl -sS -X POST "$SERVER/v1/statements" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  --data-binary @edited.json | tee v2.json | jq '{version, changed}'
expect "version of the edit" "$(jq .version v2.json)" 2
expect "changed fields of the edit" "$(jq -c .changed v2.json)" '["content"]'

echo "== 4. List the versions"
curl -sS "$SERVER/v1/statements/$ID/versions" | tee versions.json | jq '.items[] | {version, sha256, ingested_at}'
expect "number of versions" "$(jq '.items | length' versions.json)" 2

echo "== 5. Download version 1 exactly as ingested, and check it against its digests"
curl -sS -D headers -o v1.txt "$SERVER/v1/statements/$ID/versions/1/content"
grep -i '^repr-digest' headers   # sha-256=:<base64>: (RFC 9530); in hex, to compare with sha256sum:
DIGEST=$(sed -n 's/^[Rr]epr-[Dd]igest: *sha-256=:\([^:]*\):.*/\1/p' headers | base64 -d | od -An -v -tx1 | tr -d ' \n')
echo "$DIGEST"; sha256sum v1.txt; jq -r .sha256 v1.json
expect "Repr-Digest of the download" "$DIGEST" "$(sha256sum v1.txt | cut -d' ' -f1)"
expect "hash of the downloaded bytes" "$(sha256sum v1.txt | cut -d' ' -f1)" "$(jq -r .sha256 v1.json)"

echo "== 6. Verify a copy you hold: is it authentic, and still the current wording? Send it as it is"
curl -sS -X POST "$SERVER/v1/verify" -H 'Content-Type: text/plain' --data-binary @"$SEED" \
  | tee verdict.json | jq '{verdict, summary, statements: [.statements[] | {source_url, verdict, replaced_by: .replaced_by.summary}]}'
expect "verdict for the original text" "$(jq -r .verdict verdict.json)" superseded
expect "verdict at the edited statement" "$(jq -r --arg id "$ID" '.statements[] | select(.statement_id == $id) | .verdict' verdict.json)" superseded
expect "version replacing it" "$(jq --arg id "$ID" '.statements[] | select(.statement_id == $id) | .replaced_by.version' verdict.json)" 2
expect "verdict at the copy posted elsewhere" "$(jq -r --arg id "$(jq -r .statement_id mirror.json)" '.statements[] | select(.statement_id == $id) | .verdict' verdict.json)" current
tr -s ' \n' ' ' < "$SEED" > rewrapped.txt   # the same words, re-wrapped: "normalized_match"
expect "verdict for a re-wrapped copy" "$(curl -sS -X POST "$SERVER/v1/verify" -H 'Content-Type: text/plain' \
  --data-binary @rewrapped.txt | jq -r .verdict)" normalized_match

echo "== 6b. What changed between the versions, and where a quoted passage first appeared"
curl -sS "$SERVER/v1/statements/$ID/diff?from=1&to=2" | tee diff.json \
  | jq '{cosmetic, changes: [.operations[] | select(.op != "equal")]}'
expect "cosmetic flag of the edit" "$(jq .cosmetic diff.json)" false
curl -sS "$SERVER/v1/statements/$ID/diff?from=1&to=2&format=unified"
jq -n '{passage: "Sanctuary city policies improve public safety, protect immigrants, and promote trust between communities and police."}' \
  | curl -sS -X POST "$SERVER/v1/passages/search" -H 'Content-Type: application/json' --data-binary @- \
  | tee passage.json | jq '.items[] | {statement_id, version, score, published_at}'
expect "statements holding the passage" "$(jq --arg id "$ID" '[.items[].statement_id] | (length, index($id) != null)' passage.json | tr '\n' ' ')" "2 true "

echo "== 7. Prove it offline: the version's proof bundle, checked by an independent verifier"
curl -sS "$SERVER/v1/log/key" > log.key   # pin this once, through a channel you trust
curl -sS "$SERVER/v1/statements/$ID/versions/1/proof" > bundle.json
python3 "$VERIFY_BUNDLE" bundle.json --key "$(cat log.key)" --content "$SEED"
"$PROVENANCE" verify "$SEED" --server "$SERVER" --key "$(cat log.key)"
echo "walkthrough complete"
