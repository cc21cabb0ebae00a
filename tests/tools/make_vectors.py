#!/usr/bin/env python3
"""Writes tests/vectors.json, the one vector file that the Rust, Node, Workers and browser
tests all read. Every signature in it is computed here with Python's hmac (an implementation
independent of ours), and the RFC 4231 and reference vectors are asserted against their
published values, so the file cannot drift from the standard.

Run: python3 tests/tools/make_vectors.py (the output is committed; tests never regenerate it).
"""
import hashlib
import hmac
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"


def mac(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def body_entry(body: bytes):
    try:
        text = body.decode("utf-8")
        return {"body": text}
    except UnicodeDecodeError:
        return {"body_hex": body.hex()}


def secret_entry(secret: bytes):
    try:
        return {"secret": secret.decode("utf-8")}
    except UnicodeDecodeError:
        return {"secret_hex": secret.hex()}


sign = []

# RFC 4231, HMAC-SHA-256 (test case 5 truncates the output to 128 bits, which a webhook
# signature never is, so it is left out).
rfc = [
    ("rfc4231 case 1", b"\x0b" * 20, b"Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    ("rfc4231 case 2", b"Jefe", b"what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    ("rfc4231 case 3", b"\xaa" * 20, b"\xdd" * 50,
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    ("rfc4231 case 4", bytes(range(1, 26)), b"\xcd" * 50,
     "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    ("rfc4231 case 6 (key longer than the block size)", b"\xaa" * 131,
     b"Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ("rfc4231 case 7 (key and data longer than the block size)", b"\xaa" * 131,
     b"This is a test using a larger than block-size key and a larger than block-size data. "
     b"The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    # The reference's verified vectors (flagsmith-webhooks.md section 6).
    ("reference: random_key", b"random_key", b'{"key": "value"}',
     "e8af67a174c950742e45136491466739cf74a634c608fda0fd487732c2a8204f"),
    ("reference: shh", b"shh", b'{"data": {"foo": 123}}',
     "73c0aae3f6e3a9b42a0c2adbe4a96d3a65c40c14faf28cc73ddf98420ad33160"),
    ("reference: escaped non-ASCII, as Flagsmith sends it", b"s3cr3t",
     b'{"v": "Gr\\u00fc\\u00dfe \\ud83d\\ude80"}',
     "33881d8ae8dbafb45844b8f0d9fc4dc8ae4378704c7021d7e29bdde964adb0c9"),
    ("reference: raw UTF-8 (not what Flagsmith sends)", b"s3cr3t",
     '{"v": "Grüße 🚀"}'.encode(),
     "82e878448e489a88eb2017ab2251a99f7d00e823348e4bf246188aa3e3160f4e"),
]
for name, secret, body, expected in rfc:
    assert mac(secret, body) == expected, name
    sign.append({"name": name, **secret_entry(secret), **body_entry(body), "signature": expected})

fixture_sigs = json.loads((FIXTURES / "signatures.json").read_text())
FIXTURE_SECRET = fixture_sigs["secret"]
for file, expected in fixture_sigs["bodies"].items():
    body = (FIXTURES / file).read_bytes()
    assert mac(FIXTURE_SECRET.encode(), body) == expected, file
    sign.append({"name": f"fixture {file}", "secret": FIXTURE_SECRET, "body_file": file,
                 "signature": expected})

real = json.loads((FIXTURES / "real" / "requests.json").read_text())
for request in real["requests"]:
    if request["signed_by"] is None:
        continue
    body = (FIXTURES / "real" / request["file"]).read_bytes()
    assert mac(request["secret"].encode(), body) == request["signature_header"], request["file"]
    sign.append({"name": f"real {request['file']}", "secret": request["secret"],
                 "body_file": "real/" + request["file"], "signature": request["signature_header"]})

# Verification: the policy every runtime must share. `signature` is the header value as a
# string, null (header absent) or a list (a repeated header); `code` is what verifyAndParse
# throws (null: it succeeds); `match` is the index of the matching secret, -1 for none.
SECRET = "whsec_demo_f1agsm1th"
BODY_FILE = "01_flag_updated_env_default.json"
body = (FIXTURES / BODY_FILE).read_bytes()
good = mac(SECRET.encode(), body)
old = mac(b"old-secret", body)
verify = []


def case(name, signature, valid, code, secrets=(SECRET,), match=None, hint=None, **body_spec):
    spec = body_spec or {"body_file": BODY_FILE}
    verify.append({"name": name, "secrets": list(secrets), **spec, "signature": signature,
                   "valid": valid, "match": (0 if valid else -1) if match is None else match,
                   "code": code, **({"hint": hint} if hint else {})})


case("correct signature", good, True, None)
case("upper-case hex", good.upper(), True, None)
case("sha256= prefix", "sha256=" + good, True, None)
case("SHA256= prefix, mixed case", "SHA256=" + good.upper(), True, None)
case("surrounding whitespace", "  " + good + "\t", True, None)
case("repeated header, joined with a comma (good second)", "0" * 64 + ", " + good, True, None)
case("repeated header as a list (good first)", [good, "f" * 64], True, None)
case("repeated header as a list, none good", ["0" * 64, "f" * 64], False, "signature_mismatch",
     hint="wrong_secret_or_altered_body")
case("header absent (null)", None, False, "missing_signature")
case("empty header", "", False, "missing_signature")
case("only whitespace and commas", " , ", False, "missing_signature")
case("63 characters", good[:-1], False, "malformed_signature")
case("65 characters", good + "0", False, "malformed_signature")
case("non-hex character", good[:-1] + "g", False, "malformed_signature")
case("sha256= with nothing after it", "sha256=", False, "malformed_signature")
case("base64 of the tag instead of hex",
     __import__("base64").b64encode(bytes.fromhex(good)).decode(), False, "malformed_signature")
case("wrong secret", mac(b"another-secret", body), False, "signature_mismatch",
     hint="wrong_secret_or_altered_body")
for position in (0, len(good) // 2, len(good) - 1):
    flipped = good[:position] + ("0" if good[position] != "0" else "1") + good[position + 1:]
    case(f"signature with hex digit {position} changed", flipped, False, "signature_mismatch",
         hint="wrong_secret_or_altered_body")
tampered = body.replace(b'"enabled": true', b'"enabled": false', 1)
assert tampered != body
case("tampered body", good, False, "signature_mismatch", hint="wrong_secret_or_altered_body",
     **body_entry(tampered))
case("body with a trailing newline", good, False, "signature_mismatch",
     hint="trailing_whitespace", **body_entry(body + b"\n"))
reserialised = json.dumps(json.loads(body), separators=(",", ":")).encode()
case("re-serialised compactly (JSON.stringify)", good, False, "signature_mismatch",
     hint="compact_separators", **body_entry(reserialised))
pretty = json.dumps(json.loads(body), indent=2, sort_keys=True).encode()
case("pretty-printed", good, False, "signature_mismatch", hint="pretty_printed",
     **body_entry(pretty))
raw_unicode_file = "real/013_flag_updated_change_standard_value_to_unicode_html_string__env-signed.json"
raw_unicode_request = next(r for r in real["requests"] if "real/" + r["file"] == raw_unicode_file)
unicode_body = (FIXTURES / raw_unicode_file).read_bytes()
raw_unicode = json.dumps(json.loads(unicode_body), sort_keys=True, ensure_ascii=False).encode()
assert raw_unicode != unicode_body and not raw_unicode.isascii()
case("non-ASCII written raw instead of escaped", raw_unicode_request["signature_header"], False,
     "signature_mismatch", hint="raw_non_ascii", secrets=[raw_unicode_request["secret"]],
     **body_entry(raw_unicode))
case("secret configured with surrounding whitespace", good, False, "signature_mismatch",
     hint="secret_whitespace", secrets=[" " + SECRET + "\n"])
case("empty body", good, False, "signature_mismatch", hint="empty_body", body="")
case("rotation: current secret first, signed with the old one", old, True, None,
     secrets=[SECRET, "old-secret"], match=1)
case("rotation: signed with the current one", good, True, None, secrets=[SECRET, "old-secret"],
     match=0)
case("rotation: neither secret", mac(b"third", body), False, "signature_mismatch",
     secrets=[SECRET, "old-secret"], hint="wrong_secret_or_altered_body")
not_json = b"this is not json"
case("signed body that is not JSON", mac(SECRET.encode(), not_json), True, "invalid_json",
     body="this is not json")
not_payload = b'{"hello": "world"}'
case("signed JSON that is not a Flagsmith payload", mac(SECRET.encode(), not_payload), True,
     "invalid_payload", body='{"hello": "world"}')
secret_bytes = bytes([0, 255, 128, 10])
case("secret given as bytes that are not UTF-8", mac(secret_bytes, body), True, None,
     secrets=[{"hex": secret_bytes.hex()}])

# Parsing: event type or error code, and for errors the JSON path the message must name.
parse = []
for file in sorted(fixture_sigs["bodies"]):
    parse.append({"name": f"fixture {file}", "body_file": file,
                  "event_type": json.loads((FIXTURES / file).read_text())["event_type"]})
for request in real["requests"]:
    parse.append({"name": f"real {request['file']}", "body_file": "real/" + request["file"],
                  "event_type": request["event_type"]})
identity_body = json.dumps({
    "identity": "user-42",
    "traits": [{"id": 1, "trait_key": "plan", "trait_value": "pro", "transient": False},
               {"id": None, "trait_key": "score", "trait_value": 0.5, "transient": True}],
    "flags": [{"id": 9, "feature": {"id": 7, "name": "dark_mode",
                                    "created_date": "2026-01-01T00:00:00.000000Z",
                                    "description": None, "initial_value": None,
                                    "default_enabled": False, "type": "STANDARD"},
               "feature_state_value": None, "environment": 23, "identity": None,
               "feature_segment": None, "enabled": True}],
    "segments": [{"id": 441, "name": "beta_testers", "member": True}],
}, sort_keys=True)
parse += [
    {"name": "identity integration body (no envelope)", "body": identity_body,
     "event_type": None, "identity": "user-42"},
    {"name": "unknown event type is kept", "body":
        '{"data": {"anything": [1, 2.5, "x"]}, "event_type": "SEGMENT_ARCHIVED", "new_top": true}',
     "event_type": "SEGMENT_ARCHIVED"},
    {"name": "not JSON", "body": '{"data": ', "code": "invalid_json", "line": 1, "column": 9},
    {"name": "not JSON on the second line", "body": '{"a": 1,\n "b": }', "code": "invalid_json",
     "line": 2, "column": 7},
    {"name": "an array instead of an object", "body": "[1, 2]", "code": "invalid_payload",
     "path": "(the top level)"},
    {"name": "missing data", "body": '{"event_type": "FLAG_UPDATED"}', "code": "invalid_payload",
     "path": "data"},
    {"name": "event_type not a string", "body": '{"data": {}, "event_type": 5}',
     "code": "invalid_payload", "path": "event_type"},
    {"name": "neither envelope nor identity body", "body": '{"hello": "world"}',
     "code": "invalid_payload", "path": "event_type"},
    {"name": "wrong type deep inside", "body":
        (FIXTURES / BODY_FILE).read_text().replace('"enabled": true', '"enabled": "yes"', 1),
     "code": "invalid_payload", "path": "data.new_state.enabled"},
    {"name": "wrong type in an array item", "body":
        (FIXTURES / "03_flag_updated_multivariate.json").read_text()
        .replace('"percentage_allocation": 20.0', '"percentage_allocation": "20"', 1),
     "code": "invalid_payload",
     "path": "data.new_state.multivariate_feature_state_values[1].percentage_allocation"},
    {"name": "a required field missing deep inside", "body":
        (FIXTURES / BODY_FILE).read_text().replace('"default_enabled": false, ', "", 1),
     "code": "invalid_payload", "path": "data.new_state.feature.default_enabled"},
    {"name": "an integer field holding a float", "body":
        (FIXTURES / BODY_FILE).read_text().replace('"id": 7168', '"id": 7168.0', 1),
     "code": "invalid_payload", "path": "data.new_state.feature.id"},
    {"name": "empty body", "body": "", "code": "invalid_json", "line": 1, "column": 0},
    {"name": "invalid UTF-8", "body_hex": b'{"data": "\xff"}'.hex(), "code": "invalid_json"},
]

out = {"about": __doc__.strip().splitlines()[0], "fixture_secret": FIXTURE_SECRET,
       "sign": sign, "verify": verify, "parse": parse}
(ROOT / "vectors.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
print(f"wrote {len(sign)} sign, {len(verify)} verify and {len(parse)} parse vectors")
