"""schemathesis hooks for scripts/api-fuzz (loaded through SCHEMATHESIS_HOOKS).

POST /v1/statements takes an optional `sha256`: the client's own SHA-256 of `content`, refused
with 422 when it differs. A JSON schema cannot say "the hash of that other field", so a
generated hex string would almost never match and every valid body carrying one would be
refused. These hooks replace a well-formed `sha256` (64 hex digits) with the real digest of the
`content` beside it, in generated cases and in the document's examples, so that such bodies are
valid in fact and not only by the schema. A malformed `sha256` is left as it is, so the run
still checks that those are refused; a well-formed one that does not match is covered by the
project's own tests (tests/api/errors.rs).
"""

import hashlib
import re

import schemathesis

WELL_FORMED = re.compile(r"[0-9a-fA-F]{64}")


def with_real_digest(case):
    body = case.body
    if (
        str(case.method).upper() == "POST"
        and case.path == "/v1/statements"
        and isinstance(body, dict)
        and isinstance(body.get("content"), str)
        and isinstance(body.get("sha256"), str)
        and WELL_FORMED.fullmatch(body["sha256"])
    ):
        try:
            body["sha256"] = hashlib.sha256(body["content"].encode("utf-8")).hexdigest()
        except UnicodeEncodeError:
            pass  # lone surrogates: not JSON text, refused whatever the digest
    return case


@schemathesis.hook
def map_case(context, case):
    return with_real_digest(case)


@schemathesis.hook
def before_add_examples(context, examples):
    for case in examples:
        with_real_digest(case)
