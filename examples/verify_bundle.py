#!/usr/bin/env python3
"""Verify a Provenance proof bundle offline, with no Rust code: the format is open.

    python3 examples/verify_bundle.py BUNDLE.json --key 'name+keyid+base64' [--content COPY.txt]

Needs only the Python standard library (3.8 or later): Ed25519 signature verification is
written out below after RFC 8032, so the script runs on a locked-down archive machine. Exits 0
and prints "verified" when:
  1. the leaf rebuilt from the bundle's version record (provenance-leaf/1) is the bundle's leaf;
  2. the checkpoint is a signed note whose signature verifies with the pinned key;
  3. the checkpoint is for the bundle's tree size, and the inclusion proof leads from the
     leaf's RFC 6962 hash to the checkpoint's root (RFC 9162 section 2.1.3.2);
  4. with --content, the SHA-256 of the copy is the record's.
"""
import argparse
import base64
import hashlib
import json
import sys


class NotVerified(Exception):
    pass


# Ed25519 verification (RFC 8032, section 5.1.7), on extended coordinates (X, Y, Z, T), x = X/Z,
# y = Y/Z, x*y = T/Z. Verification handles only public values, so it needs no constant time.
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)
IDENTITY = (0, 1, 1, 0)


def point_add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    e = (y1 - x1) * (y2 - x2) % P
    f = (y1 + x1) * (y2 + x2) % P
    g = 2 * t1 * t2 * D % P
    h = 2 * z1 * z2 % P
    e, f, g, h = f - e, h - g, h + g, f + e
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def point_mul(scalar, point):
    result = IDENTITY
    while scalar > 0:
        if scalar & 1:
            result = point_add(result, point)
        point = point_add(point, point)
        scalar >>= 1
    return result


def point_equal(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def point_decompress(encoded):
    """The point of a 32-byte encoding, or None when it encodes none (section 5.1.3)."""
    if len(encoded) != 32:
        return None
    y = int.from_bytes(encoded, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    xx = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(xx, (P + 3) // 8, P)
    if (x * x - xx) % P != 0:
        x = x * SQRT_M1 % P
    if (x * x - xx) % P != 0 or (x == 0 and sign == 1):
        return None
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


BASE = point_decompress((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))


def has_small_order(point):
    return point_equal(point_mul(8, point), IDENTITY)


def ed25519_verify(public_key, message, signature):
    """Whether `signature` (64 bytes) is a valid signature of `message` by `public_key` (32 bytes):
    [s]B = R + [SHA-512(R || A || M)]A, refusing non-canonical s and small-order A and R, as the
    registry's own verifier (ed25519-dalek's verify_strict) does."""
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = point_decompress(public_key)
    r = point_decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L or has_small_order(a) or has_small_order(r):
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little") % L
    return point_equal(point_mul(s, BASE), point_add(r, point_mul(k, a)))


def canonical_json(value):
    """RFC 8785 canonical JSON for the values a leaf holds (strings, integers, null, objects)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def rebuild_leaf(record):
    contacts = [
        {"email": c.get("email"), "name": c.get("name"), "organization": c.get("organization"), "phone": c.get("phone")}
        for c in record["media_contacts"]
    ]
    commitment = hashlib.sha256(
        b"provenance:contacts:v1\n" + bytes.fromhex(record["contacts_salt"]) + canonical_json(contacts)
    ).hexdigest()
    return canonical_json({
        "contacts_commitment": commitment,
        "content_sha256": record["sha256"],
        "content_type": record["content_type"],
        "format": "provenance-leaf/1",
        "ingested_at": record["ingested_at"],
        "published_at": record["published_at"],
        "publisher": record["publisher"],
        "source_url": record["source_url"],
        "statement_id": record["statement_id"],
        "title": record["title"],
        "version": record["version"],
    })


def parse_verifier_key(encoded):
    name, key_id, key = encoded.strip().split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if len(raw) != 33 or raw[0] != 0x01:
        raise NotVerified("the key is not an Ed25519 signed-note key")
    expected_id = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if bytes.fromhex(key_id) != expected_id:
        raise NotVerified("the key's id does not match its name and public key")
    return name, expected_id, raw[1:]


def open_signed_note(note, key):
    name, key_id, public_key = key
    text, separator, signatures = note.partition("\n\n")
    if not separator:
        raise NotVerified("the checkpoint is not a signed note")
    text += "\n"
    for line in signatures.splitlines():
        if not line.startswith("\u2014 "):
            raise NotVerified("malformed signature line")
        signer, _, signature = line[2:].partition(" ")
        raw = base64.b64decode(signature, validate=True)
        if signer != name or raw[:4] != key_id:
            continue
        if not ed25519_verify(public_key, text.encode("utf-8"), raw[4:]):
            raise NotVerified("the checkpoint's signature does not verify")
        return text
    raise NotVerified("the checkpoint is not signed by the pinned key")


def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        raise NotVerified("the index is outside the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise NotVerified("the proof is too long")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != root:
        raise NotVerified("the inclusion proof does not lead to the checkpoint's root")


def verify(bundle, key, content=None):
    if bundle.get("format") != "provenance-proof-bundle/1":
        raise NotVerified("unknown bundle format")
    record = bundle["version"]
    leaf = bundle["leaf"].encode("utf-8")
    if rebuild_leaf(record) != leaf:
        raise NotVerified("the leaf is not the leaf of the version record")
    if base64.b64encode(leaf_hash(leaf)).decode() != record["leaf_hash"]:
        raise NotVerified("the record's leaf hash is not the leaf's")
    origin, size, root = open_signed_note(bundle["checkpoint"], parse_verifier_key(key)).split("\n")[:3]
    if int(size) != bundle["tree_size"] or bundle["log_index"] != record["log_index"]:
        raise NotVerified("the checkpoint is not for the proof's tree")
    proof = [base64.b64decode(h, validate=True) for h in bundle["inclusion_proof"]]
    verify_inclusion(bundle["log_index"], bundle["tree_size"], leaf_hash(leaf), proof, base64.b64decode(root))
    if content is not None and hashlib.sha256(content).hexdigest() != record["sha256"]:
        raise NotVerified("the copy's SHA-256 is not the record's")
    return origin, record


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle")
    parser.add_argument("--key", required=True, help="the log's verifier key, pinned")
    parser.add_argument("--content", help="a copy of the text to check against the record")
    args = parser.parse_args()
    with open(args.bundle, encoding="utf-8") as f:
        bundle = json.load(f)
    content = open(args.content, "rb").read() if args.content else None
    try:
        origin, record = verify(bundle, args.key, content)
    except (NotVerified, KeyError, ValueError, TypeError) as error:
        print(f"NOT VERIFIED: {error}")
        return 1
    print(f"verified: statement {record['statement_id']} version {record['version']} ({record['source_url']}) "
          f"is entry {record['log_index']} of the log {origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
