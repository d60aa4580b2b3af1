#!/usr/bin/env python3
"""What the largest anonymous reads cost: the real service over HTTP on loopback.

    cargo build --release && scripts/heavy-reads-bench.py target/release/provenance

Starts the given binary on a throw-away data folder (no rate limits, 2 workers), ingests
statements as large as the default body limit allows, and times, against `GET /healthz` in
the same run as the baseline:

- the diff of two ~3.7 MB versions of real text (the seeds' sentences, shuffled) and of two
  ~4 MB versions of two-word text (`x y x x ...`), in JSON, unified and HTML form;
- a passage search whose passage is in 20 statements of ~3.5 MB each;
- `POST /v1/extract` and `POST /v1/verify` of a ~3.7 MB copy;
- `POST /v1/extract` with 1,000,000 empty contacts (its answer's size), then 16 of them at
  once (the service's peak RSS).

A request that kills the service is reported as such. Only the Python standard library.
"""

import concurrent.futures
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "seeds"


def real_text(size, seed):
    """The seeds' sentences in a shuffled order, `size` bytes of UTF-8 or a little less."""
    sentences = []
    for path in sorted(SEEDS.iterdir()):
        sentences.extend(s + ". " for s in path.read_text().split(". "))
    rng = random.Random(seed)
    parts, length = [], 0
    while length < size:
        sentence = rng.choice(sentences)
        parts.append(sentence)
        length += len(sentence.encode())
    return "".join(parts).encode()[:size].decode(errors="ignore")


def two_words(size, seed):
    rng = random.Random(seed)
    return "".join(rng.choice(("x ", "x ", "y ")) for _ in range(size // 2))


class Service:
    def __init__(self, binary, data_dir):
        token = subprocess.run(
            [binary, "keys", "create", "--name", "bench", "--role", "writer", "--data-dir", data_dir],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        self.token = token
        self.process = subprocess.Popen(
            [binary, "serve", "--bind", "127.0.0.1:0", "--workers", "2", "--rate-limit-ip", "0",
             "--rate-limit-key", "0", "--data-dir", data_dir],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            env={**os.environ, "PROVENANCE_LOG": "warn,provenance=info"},
        )
        for line in self.process.stderr:
            if "listening on " in line:
                self.address = line.split("listening on ")[1].split()[0]
                break
        else:
            raise SystemExit("the service did not start")

    def alive(self):
        return self.process.poll() is None

    def request(self, method, path, body=None, content_type="application/json", key=False):
        headers = {"Content-Type": content_type} if body is not None else {}
        if key:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.address + path, data=body, method=method, headers=headers)
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                data = response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            data = error.read()
            status = error.code
        except (urllib.error.URLError, ConnectionError) as error:
            return None, str(error), time.perf_counter() - start
        return status, data, time.perf_counter() - start

    def ingest(self, url, content):
        body = json.dumps({"source_url": url, "content": content}).encode()
        status, data, _ = self.request("POST", "/v1/statements", body, key=True)
        if status not in (200, 201):
            raise SystemExit(f"ingest of {url}: {status} {data[:300]!r}")
        return json.loads(data)["statement_id"]

    def peak_rss_mib(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        if self.alive():
            self.process.terminate()
            self.process.wait(timeout=60)


def show(label, result, baseline):
    status, data, seconds = result
    if status is None:
        print(f"| {label} | connection lost ({data}) | {seconds:.3f} s | |")
        return
    notes = ""
    if data[:1] == b"{":
        answer = json.loads(data)
        notes = "".join(f", {field} {answer[field]}" for field in ("granularity", "unread_candidates")
                        if field in answer)
    print(f"| {label} | {status}, {len(data):,} bytes{notes} | {seconds:.3f} s | {seconds / baseline:,.0f}× |")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        service = Service(binary, os.path.join(folder, "data"))
        try:
            run(service)
        finally:
            service.stop()


def run(service):
    baseline = statistics.median(service.request("GET", "/healthz")[2] for _ in range(200))
    print(f"baseline: GET /healthz, median of 200: {baseline * 1000:.3f} ms\n")
    print("| request | answer | time | × /healthz |\n|---|---|---|---|")
    statement = service.ingest("https://bench.example/real", real_text(3_700_000, 1))
    service.ingest("https://bench.example/real", real_text(3_700_000, 2))
    for form in ("json", "unified", "html"):
        path = f"/v1/statements/{statement}/diff?format={form}"
        show(f"diff, 3.7 MB real text, {form}", service.request("GET", path), baseline)
    copy = real_text(3_700_000, 1).encode()
    show("POST /v1/extract, 3.7 MB", service.request(
        "POST", "/v1/extract", json.dumps({"content": copy.decode()}).encode()), baseline)
    show("POST /v1/verify, 3.7 MB raw", service.request(
        "POST", "/v1/verify", copy, "text/plain"), baseline)

    passage = ("Sanctuary city policies improve public safety, protect immigrants, and promote "
               "trust between communities and police.")
    for n in range(20):
        service.ingest(f"https://bench.example/large/{n}", real_text(3_500_000, 100 + n) + passage)
    body = json.dumps({"passage": passage}).encode()
    show("passage search, 20 statements of 3.5 MB", service.request(
        "POST", "/v1/passages/search", body), baseline)

    empty = b'{"content": "x", "media_contacts": [' + b",".join([b"{}"] * 1_000_000) + b"]}"
    show("POST /v1/extract, 1,000,000 empty contacts", service.request(
        "POST", "/v1/extract", empty), baseline)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: service.request("POST", "/v1/extract", empty), range(16)))
    print(f"| the same, 16 at once | peak RSS {service.peak_rss_mib():,.0f} MiB | | |")

    statement = service.ingest("https://bench.example/two-words", two_words(4_000_000, 1))
    service.ingest("https://bench.example/two-words", two_words(4_000_000, 2))
    show("diff, 4 MB two-word text, json", service.request(
        "GET", f"/v1/statements/{statement}/diff"), baseline)
    print(f"\nservice still running: {service.alive()}; peak RSS {service.peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
