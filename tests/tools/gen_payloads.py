#!/usr/bin/env python3
"""Random Flagsmith payloads, serialized by Python's json.dumps(obj, sort_keys=True) (what
Flagsmith's server does), as the reference for the serializer round trip tests.

Usage: gen_payloads.py COUNT SEED -> one JSON object per line: {"body": <wire bytes as text>,
"js_exact": bool}. js_exact is false when an integral float sits outside the fields Flagsmith
stores as floats (JavaScript cannot tell 1.0 from 1 there); Rust round-trips every body.

With --reference it instead reads JSON objects from stdin, one per line, and prints
json.dumps(obj, sort_keys=True) of each: the expected output for events modified in a test.
--reference-float-fields first makes each percentage_allocation a float (Flagsmith's model), as
the JavaScript serializer must, since JavaScript numbers cannot tell 50 from 50.0.
"""
import json
import random
import sys

STRINGS = ["", "plain", "quote \" and backslash \\", "tab\tnl\ncr\r", "\x00\x01\x1f\x7f",
           "é ü ß", "日本語", "emoji 🚀😀", "<script>alert(1)</script>", "</>&'", "\ud7ff\ue000\uffff",
           "mixed é\n🚀\"\\", "esc \x1b[2J\x1b]0;t\x07", "c1 \x85\x9b31m", "bidi \u202eevil\u2066\u2028"]
FLOATS = [33.33, 66.66666666666667, 1e-05, 0.0, 50.0, 100.0, 12.5, 1e16, 1.5e-07, 0.1,
          5e-324, 1.7976931348623157e308, 123456789.125, 1e22, -0.0, 2.5e-05]
INTS = [0, 1, -1, 2147483647, -2147483648, 42, 9007199254740991]


def text(rng):
    return rng.choice(STRINGS) + rng.choice(["", str(rng.randint(0, 999))])


def flag_value(rng):
    return rng.choice([text(rng), rng.choice(INTS), True, False, None])


def unknown_value(rng, depth=0):
    kinds = ["s", "i", "f", "b", "n"] + (["o", "a"] if depth < 2 else [])
    kind = rng.choice(kinds)
    if kind == "s":
        return text(rng)
    if kind == "i":
        return rng.choice(INTS)
    if kind == "f":
        return rng.choice(FLOATS)
    if kind == "b":
        return rng.random() < 0.5
    if kind == "n":
        return None
    if kind == "o":
        return {text(rng) + "_k": unknown_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return [unknown_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def extra(rng, target):
    if rng.random() < 0.3:
        target["zz_unknown_" + str(rng.randint(0, 9))] = unknown_value(rng)
    return target


def feature_state(rng):
    identity = rng.random() < 0.3
    segment = not identity and rng.random() < 0.4
    state = {
        "enabled": rng.random() < 0.5,
        "environment": extra(rng, {"id": rng.choice(INTS), "name": text(rng)}),
        "feature": extra(rng, {
            "created_date": "2026-03-02T11:20:41.017733Z", "default_enabled": rng.random() < 0.5,
            "description": rng.choice([None, text(rng)]), "id": rng.randint(1, 10**6),
            "initial_value": rng.choice([None, text(rng), "42"]), "name": text(rng),
            "project": {"id": rng.randint(1, 99), "name": text(rng)},
            "type": rng.choice(["STANDARD", "MULTIVARIATE", "CONFIG", "FLAG", "NEW_KIND"])}),
        "feature_segment": extra(rng, {"priority": rng.randint(0, 5), "segment": {
            "description": rng.choice([None, text(rng)]), "id": rng.randint(1, 999),
            "name": text(rng)}}) if segment else None,
        "feature_state_value": flag_value(rng),
        "identity": (rng.choice([rng.randint(1, 10**6), "3f1e9c2a-7b4d-4a8e-b6c1-52d0e9f4a713"])
                     if identity else None),
        "identity_identifier": text(rng) if identity else None,
    }
    if rng.random() < 0.9:
        state["multivariate_feature_state_values"] = [
            extra(rng, {"id": rng.randint(1, 10**5),
                        "multivariate_feature_option": {"id": i + 1, "value": flag_value(rng)},
                        "percentage_allocation": rng.choice(FLOATS)})
            for i in range(rng.randint(0, 3))]
    return extra(rng, state)


def payload(rng):
    kind = rng.choice(["FLAG_UPDATED", "FLAG_DELETED", "AUDIT_LOG_CREATED", "NEW_VERSION_PUBLISHED",
                       "IDENTITY", "FLAG_CREATED", "SEGMENT_ARCHIVED"])
    if kind == "FLAG_CREATED":
        # Planned upstream (Flagsmith PR #7900): FLAG_UPDATED's data without previous_state.
        data = {"changed_by": rng.choice(["", text(rng)]), "new_state": feature_state(rng),
                "timestamp": rng.choice(["", "2026-08-21T10:15:02.481516Z"])}
        return {"data": extra(rng, data), "event_type": kind}
    if kind in ("FLAG_UPDATED", "FLAG_DELETED"):
        data = {"changed_by": rng.choice(["", text(rng)]),
                "new_state": None if kind == "FLAG_DELETED" else feature_state(rng),
                "timestamp": rng.choice(["", "2026-08-21T10:15:02.481516Z"])}
        if kind == "FLAG_DELETED" or rng.random() < 0.7:
            data["previous_state"] = feature_state(rng) if kind == "FLAG_DELETED" or rng.random() < 0.8 else None
        return {"data": extra(rng, data), "event_type": kind}
    if kind == "AUDIT_LOG_CREATED":
        data = {"author": rng.choice([None, extra(rng, {"email": text(rng), "first_name": text(rng), "id": 1,
                                                         "last_login": rng.choice([None, "2026-08-20T09:12:44Z"]),
                                                         "last_name": text(rng), "uuid": "u"})]),
                "created_date": rng.choice(["2026-08-21T13:00:05Z", "2026-08-21T13:00:05.123456Z"]),
                "environment": rng.choice([None, extra(rng, {"id": 5, "name": text(rng), "api_key": "k",
                                                              "project": 12, "uuid": "e",
                                                              "use_v2_feature_versioning": False})]),
                "id": rng.randint(1, 10**6), "is_system_event": rng.random() < 0.2, "log": text(rng),
                "project": extra(rng, {"id": 12, "name": text(rng), "organisation": 3, "uuid": "p",
                                       "stale_flags_limit_days": 30}),
                "related_object_id": rng.choice([None, 7]), "related_object_type": rng.choice([None, "FEATURE", "NEW"]),
                "related_object_uuid": rng.choice([None, "x"])}
        return {"data": extra(rng, data), "event_type": kind}
    if kind == "NEW_VERSION_PUBLISHED":
        states = [extra(rng, {"enabled": rng.random() < 0.5, "value": flag_value(rng),
                              "multivariate_feature_state_values": []}) for _ in range(rng.randint(0, 3))]
        data = {"feature": {"id": 1, "name": text(rng)}, "feature_states": states,
                "published_by": rng.choice([None, {"email": text(rng), "id": 3}]), "uuid": "v"}
        return {"data": extra(rng, data), "event_type": kind}
    if kind == "IDENTITY":
        return {"identity": text(rng),
                "traits": [{"id": rng.choice([None, 4]), "trait_key": text(rng),
                            "trait_value": rng.choice([text(rng), 21, 0.5, True, None]), "transient": False}
                           for _ in range(rng.randint(0, 3))],
                "flags": [{"enabled": True, "environment": 23, "feature": {
                    "created_date": "2026-01-01T00:00:00Z", "default_enabled": False, "description": None,
                    "id": 7, "initial_value": None, "name": text(rng), "type": "STANDARD"},
                    "feature_segment": None, "feature_state_value": flag_value(rng), "id": 9, "identity": None,
                    **({"percentage_allocation": rng.choice([None, 25.0])} if rng.random() < 0.5 else {})}
                    for _ in range(rng.randint(0, 2))],
                "segments": [{"id": 1, "member": rng.random() < 0.5, "name": text(rng)}]}
    return {"data": unknown_value(rng), "event_type": kind, "future_top": unknown_value(rng)}


FLOAT_FIELDS = {"percentage_allocation"}


def js_exact(value, key=None):
    """False when an integral float sits outside the fields Flagsmith stores as floats."""
    if isinstance(value, float):
        return key in FLOAT_FIELDS or not value.is_integer()
    if isinstance(value, dict):
        return all(js_exact(v, k) for k, v in value.items())
    if isinstance(value, list):
        return all(js_exact(v, key) for v in value)
    return True


def as_flagsmith_floats(value, key=None):
    if isinstance(value, dict):
        return {k: as_flagsmith_floats(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [as_flagsmith_floats(v, key) for v in value]
    if key in FLOAT_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def main():
    if sys.argv[1:2] in (["--reference"], ["--reference-float-fields"]):
        floats = sys.argv[1] == "--reference-float-fields"
        for line in sys.stdin:
            obj = json.loads(line)
            print(json.dumps(as_flagsmith_floats(obj) if floats else obj, sort_keys=True))
        return
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(seed)
    for _ in range(count):
        obj = payload(rng)
        print(json.dumps({"body": json.dumps(obj, sort_keys=True), "js_exact": js_exact(obj)}))


if __name__ == "__main__":
    main()
