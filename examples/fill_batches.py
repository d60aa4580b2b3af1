"""Usage: python3 examples/fill_batches.py SERVER WRITER_KEY STATEMENTS VERSIONS
Fills a fresh data folder through a running service's bulk endpoint, for import timing:
N statements from the corpus seeds (each seed text with a numbered paragraph), V versions each."""
import json, os, sys, urllib.request, glob
server, key, statements, versions = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
seeds = [open(p).read() for p in sorted(glob.glob('os.path.join(os.path.dirname(__file__), "../../shared/corpus/seeds/*")'))[:20]]
lines = []
def send(lines):
    req = urllib.request.Request(server + '/v1/statements/batch', data=''.join(lines).encode(),
        headers={'Content-Type': 'application/x-ndjson', 'Authorization': 'Bearer ' + key})
    body = urllib.request.urlopen(req).read().decode()
    bad = [l for l in body.splitlines() if json.loads(l)['status'] not in (200, 201)]
    assert not bad, bad[:2]
for v in range(versions):
    for s in range(statements):
        text = seeds[s % len(seeds)] + f"\n\nStatement {s}, wording {v}.\n"
        lines.append(json.dumps({"source_url": f"https://example.org/s/{s}", "content": text}) + "\n")
        if len(lines) == 1000:
            send(lines); lines = []
if lines: send(lines)
