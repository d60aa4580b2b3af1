"""schemathesis hooks for scripts/api-fuzz (loaded through SCHEMATHESIS_HOOKS).

POST /v1/statements (and /v1/extract and /v1/verify, which take the same fields) takes an
optional `sha256`: the client's own SHA-256 of `content`, refused with 422 when it differs. A JSON schema cannot say "the hash of that other field", so a
generated hex string would almost never match and every valid body carrying one would be
refused. These hooks replace a well-formed `sha256` (64 hex digits) with the real digest of the
`content` beside it, in generated cases and in the document's examples, so that such bodies are
valid in fact and not only by the schema (the same for the base32 `sha1` that /v1/verify takes). A malformed `sha256` is left as it is, so the run
still checks that those are refused; a well-formed one that does not match is covered by the
project's own tests (tests/api/errors.rs).
"""

import base64
import datetime
import hashlib
import json
import re

import schemathesis

WELL_FORMED = re.compile(r"[0-9a-fA-F]{64}")
SHA1_WELL_FORMED = re.compile(r"(?:[sS][hH][aA]1:)?[A-Za-z2-7]{32}")


INGEST_BODIES = ("/v1/statements", "/v1/extract", "/v1/verify")


def posted_object(case, paths):
    """The JSON object a case POSTs to one of `paths`, or None."""
    body = case.body
    if str(case.method).upper() == "POST" and case.path in paths and isinstance(body, dict):
        return body
    return None


def with_real_digest(case):
    body = posted_object(case, INGEST_BODIES)
    if (
        body is not None
        and isinstance(body.get("content"), str)
        and isinstance(body.get("sha256"), str)
        and WELL_FORMED.fullmatch(body["sha256"])
    ):
        try:
            body["sha256"] = hashlib.sha256(body["content"].encode("utf-8")).hexdigest()
        except UnicodeEncodeError:
            pass  # lone surrogates: not JSON text, refused whatever the digest
    body = posted_object(case, ("/v1/verify",))
    if (
        body is not None
        and isinstance(body.get("content"), str)
        and isinstance(body.get("sha1"), str)
        and SHA1_WELL_FORMED.fullmatch(body["sha1"])
    ):
        try:
            digest = hashlib.sha1(body["content"].encode("utf-8")).digest()
            body["sha1"] = base64.b32encode(digest).decode("ascii")
        except UnicodeEncodeError:
            pass
    return case


def with_documents_as_text(case):
    """POST /v1/verify also takes the document itself (`text/plain`, `text/html`,
    `text/markdown`): a non-blank string. A generated body of another JSON type has no such wire
    form (it would be sent as its JSON text, a valid document); the empty document, which the
    service refuses, stands for it."""
    if str(case.media_type or "").startswith("text/") and not isinstance(case.body, str):
        case.body = ""
    return case


def with_true_weekday(case):
    """GET /web/{path} takes `Accept-Datetime`, an RFC 1123 date whose weekday must be the
    date's (refused with 400 otherwise, documented), which a pattern cannot state: a generated
    date of the documented form gets its true weekday, so the run checks what the date does.
    tests/api/memento.rs covers the refusals."""
    headers = case.headers or {}
    value = headers.get("Accept-Datetime")
    if isinstance(value, str) and len(value) > 5 and value[3] == ",":
        try:
            when = datetime.datetime.strptime(value[5:], "%d %b %Y %H:%M:%S GMT")
        except ValueError:
            return case
        headers["Accept-Datetime"] = when.strftime("%a, ") + value[5:]
    return case


@schemathesis.hook
def map_case(context, case):
    return with_captures_now(
        with_true_weekday(
            with_long_enough_passage(with_documents_as_text(with_versions_in_order(with_real_digest(case))))
        )
    )


@schemathesis.hook
def before_add_examples(context, examples):
    for case in examples:
        with_captures_now(with_real_digest(case))


def with_captures_now(case):
    """POST /v1/statements takes an optional `captured_at`, refused when it is later than now
    (422) or, for new content, earlier than the statement's latest version's time (409), both
    documented and neither stateable by a schema: a well-formed generated one becomes the
    present moment, which is neither, so the run checks what the rest of the body does. A
    malformed one is left as it is; tests/api/memento.rs covers the refusals."""
    body = posted_object(case, INGEST_BODIES)
    if body is not None and isinstance(body.get("captured_at"), str):
        try:
            datetime.datetime.fromisoformat(body["captured_at"].replace("Z", "+00:00"))
        except ValueError:
            return case
        body["captured_at"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    return case


def with_versions_in_order(case):
    """GET /v1/statements/{id}/diff and GET /v1/log/proof/consistency refuse `from` after `to`
    with 400 (documented), an order a schema cannot state; a generated pair the wrong way round
    is put in order, so the run checks what each number does. The project's tests cover the
    refusal."""
    query = case.query
    ordered = case.path.endswith("/diff") or case.path == "/v1/log/proof/consistency"
    if str(case.method).upper() == "GET" and ordered and isinstance(query, dict):
        try:
            low, high = sorted((int(query["from"]), int(query["to"])))
        except (KeyError, TypeError, ValueError):
            return case
        query["from"], query["to"] = type(query["from"])(low), type(query["to"])(high)
    return case


def with_long_enough_passage(case):
    """POST /v1/passages/search refuses a passage of fewer than 8 words with 422 (documented),
    a count a schema cannot state (the service's words are Unicode word runs); eight plain words
    are appended to a generated passage, so the run checks what the rest of it does. The
    project's tests cover the refusal (tests/api/passages.rs)."""
    body = posted_object(case, ("/v1/passages/search",))
    if body is not None and isinstance(body.get("passage"), str):
        body["passage"] += " one two three four five six seven eight"
    return case


@schemathesis.serializer("application/x-ndjson")
def ndjson(context, value):
    """POST /v1/statements/batch takes NDJSON: one ingest request (the document's schema of the
    body) per line. A generated list is sent as one line per element, anything else as one
    line."""
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8", "surrogatepass")
