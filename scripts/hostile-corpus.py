#!/usr/bin/env python3
"""Writes fixtures/hostile/*.json: Palisade's hostile-input corpus (issue 16, "Proof").

Each case names what is sent and the answer it must get; HostileCorpusTests sends every case to a real server and
checks that nothing refused is stored. Placeholders filled at test time: {origin} (the test's remote server, which
serves an actor at {origin}/actor), {host} (Palisade's authority), {now} (Unix seconds). Run from the project root:
    python3 scripts/hostile-corpus.py
"""
import json, os

AS = "https://www.w3.org/ns/activitystreams"
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "hostile")
SOURCE = "Palisade's own hostile corpus, written by scripts/hostile-corpus.py (no third-party material)"


def activity(name, type_="Flag", **fields):
    body = {"@context": AS, "id": "{origin}/hostile/" + name, "type": type_, "actor": "{origin}/actor"}
    if type_ == "Flag":
        body["content"] = "reported by the hostile corpus"
        body["object"] = ["https://bad.invalid/users/x", "https://bad.invalid/users/x/statuses/1"]
    body.update(fields)
    return json.dumps(body)


def case(name, expect, body=None, to="inbox", stores=None, **extra):
    row = {"name": name, "to": to, "expect": expect}
    if body is not None:
        row["body"] = body
    if to == "inbox" and "sign" not in extra and "raw" not in extra:
        row["sign"] = {"dialect": "cavage"}
    row.update(extra)
    if expect == 202 and stores is not False and to == "inbox":
        row["stores"] = "{origin}/hostile/" + name
    return row


def accepted(name, body=None, **extra):
    return case(name, 202, body if body is not None else activity(name), **extra)


# --- signatures -------------------------------------------------------------------------------------------------------
signatures = [
    accepted("sig-valid-cavage"),
    accepted("sig-valid-rfc9421", sign={"dialect": "rfc9421"}),
    accepted("sig-thirty-minutes-old-within-skew", sign={"dialect": "cavage", "age": -1800}),
    case("sig-unsigned", 401, activity("sig-unsigned"), sign={"dialect": "none"}),
]
for label, age in [("three-hours", -10800), ("thirteen-hours", -46800), ("thirty-days", -2592000), ("two-hours-ahead", 7200)]:
    signatures.append(case(f"sig-age-{label}", 401, activity(f"sig-age-{label}"), sign={"dialect": "cavage", "age": age}))
    signatures.append(case(f"sig-rfc9421-age-{label}", 401, activity(f"sig-rfc9421-age-{label}"), sign={"dialect": "rfc9421", "age": age}))
for label, age in [("three-hours", -10800), ("thirteen-hours", -46800), ("thirty-days", -2592000)]:
    signatures.append(case(f"sig-{label}-old-appended-created", 401, activity(f"sig-{label}-old-appended-created"),
                           sign={"dialect": "cavage", "age": age, "append": ",created={now}"}))
    signatures.append(case(f"sig-{label}-old-appended-expires", 401, activity(f"sig-{label}-old-appended-expires"),
                           sign={"dialect": "cavage", "age": age, "append": ",expires=9999999999"}))
    signatures.append(case(f"sig-{label}-old-appended-created-and-expires", 401, activity(f"sig-{label}-old-appended-created-and-expires"),
                           sign={"dialect": "cavage", "age": age, "append": ",created={now},expires=9999999999"}))
for label, headers in [
    ("no-request-target", ["host", "date", "digest"]), ("no-host", ["(request-target)", "date", "digest"]),
    ("no-date", ["(request-target)", "host", "digest"]), ("no-digest", ["(request-target)", "host", "date"]),
    ("only-date", ["date"]),
]:
    signatures.append(case(f"sig-covers-{label}", 401, activity(f"sig-covers-{label}"), sign={"dialect": "cavage", "headers": headers}))
signatures.append(case("sig-duplicate-algorithm-parameter", 401, activity("sig-duplicate-algorithm"),
                       sign={"dialect": "cavage", "append": ',algorithm="rsa-md5"'}))
signatures.append(case("sig-duplicate-keyid-parameter", 401, activity("sig-duplicate-keyid"),
                       sign={"dialect": "cavage", "append": ',keyId="{origin}/actor#main-key"'}))
for label, key_id in [
    ("missing-document", "{origin}/missing#main-key"), ("huge-document", "{origin}/huge#main-key"),
    ("file-url", "file:///etc/passwd#main-key"), ("javascript-url", "javascript:alert(1)"), ("empty", ""),
    ("unreachable-port", "http://127.0.0.1:9/actor#main-key"), ("credentials-in-url", "http://user:pass@{host}/actor#main-key"),
    ("unpublished-fragment", "{origin}/actor#other-key"), ("other-actor-same-origin", "{origin}/users/nobody#main-key"),
    ("other-origin", "https://elsewhere.invalid/actor#main-key"), ("very-long", "{origin}/" + "a" * 3000 + "#main-key"),
    ("relative", "/actor#main-key"), ("gopher", "gopher://{host}/actor"), ("redirecting", "{origin}/redirect-to-bob#main-key"),
    ("endless-redirects", "{origin}/loop/0#main-key"), ("ipv6-loopback", "http://[::1]:9/actor#main-key"),
    ("metadata-service", "http://169.254.169.254/latest/meta-data#k"),
]:
    signatures.append(case(f"sig-keyid-{label}", 401, activity(f"sig-keyid-{label}"), sign={"dialect": "cavage", "key_id": key_id}))
signatures.append(case("sig-other-key", 401, activity("sig-other-key"), sign={"dialect": "cavage", "key": "other"}))
signatures.append(case("sig-rfc9421-other-key", 401, activity("sig-rfc9421-other-key"), sign={"dialect": "rfc9421", "key": "other"}))
for index, garbage in enumerate([
    "", "keyId", "keyId=", 'keyId="a",signature=', 'keyId="unterminated', "," * 5000, "keyId=\"k\"," * 200,
    'keyId="{origin}/actor#main-key",headers="(request-target) host date digest",signature="!!!not base64!!!"',
    'keyId="{origin}/actor#main-key",headers="(request-target) host date digest",signature="AAAA"',
    'keyId="{origin}/actor#main-key",algorithm="rsa-sha512",headers="(request-target) host date digest",signature="AAAA"',
    'keyId="{origin}/actor#main-key",algorithm="hmac-sha256",headers="(request-target) host date digest",signature="AAAA"',
    'keyId="{origin}/actor#main-key",created=abc,headers="(created)",signature="AAAA"',
    'keyId="{origin}/actor#main-key",expires=-1,headers="(request-target) host date digest",signature="AAAA"',
    'keyId="{origin}/actor#main-key",headers="",signature="AAAA"',
    "Signature keyId=\"x\"", "é" * 100, "a=b=c=d", '"keyId"="x"',
]):
    signatures.append(case(f"sig-garbage-header-{index}", 401, activity(f"sig-garbage-header-{index}"), replace_headers={"Signature": garbage}))
for label, value in [("wrong-value", "SHA-256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), ("md5", "MD5=1B2M2Y8AsgTpgAmY7PhCfg=="),
                     ("empty", ""), ("no-algorithm", "=abc"), ("sha-512-wrong", "SHA-512=AAAA")]:
    signatures.append(case(f"sig-digest-{label}", 401, activity(f"sig-digest-{label}"), replace_headers={"Digest": value}))
for label, value in [("garbage", "yesterday"), ("changed", "Mon, 01 Jan 2024 00:00:00 GMT"), ("empty", "")]:
    signatures.append(case(f"sig-date-{label}", 401, activity(f"sig-date-{label}"), replace_headers={"Date": value}))
for header in ["Date", "Digest", "Signature"]:
    signatures.append(case(f"sig-without-{header.lower()}", 401, activity(f"sig-without-{header.lower()}"), remove_headers=[header]))
signatures.append(case("sig-rfc9421-without-signature", 401, activity("sig-rfc9421-without-signature"),
                       sign={"dialect": "rfc9421"}, remove_headers=["Signature"]))
signatures.append(case("sig-rfc9421-without-content-digest", 401, activity("sig-rfc9421-without-content-digest"),
                       sign={"dialect": "rfc9421"}, remove_headers=["Content-Digest"]))
signatures.append(case("sig-rfc9421-garbage-input", 401, activity("sig-rfc9421-garbage-input"),
                       sign={"dialect": "rfc9421"}, replace_headers={"Signature-Input": "sig1=(((;;;"}))
signatures.append(case("sig-body-changed-after-signing", 401, activity("sig-body-changed"),
                       signed_body_differs=activity("sig-body-changed", content="the original words")))

# --- JSON -------------------------------------------------------------------------------------------------------------
json_cases = []
for index, text in enumerate([
    "", " ", "null", "true", "1", "-0.5e3", '"a string"', "[]", "[{}]", "{", "}", "{}", '{"type": "Flag"}', "{'type': 'Flag'}",
    '{"type": "Flag", /* comment */ "actor": "x"}', '{"type": "Flag",}', '{"type": Flag}', '{"type": "Flag"} trailing',
    "NaN", '{"a": NaN}', '{"a": Infinity}', '{"a": 1e99999}', '{"a": "\\ud800"}', '{"a": "\\u00"}',
    '[' * 600 + ']' * 600, '{"a":' * 600 + '1' + '}' * 600, '{"type": "Flag", "actor": {"id": {"id": {"id": "x"}}}}',
    '{"type": ["Flag", "Note"]}', '{"actor": "{origin}/actor"}', '{"type": "Flag", "actor": null}', '{"type": "Flag", "actor": 5}',
    '{"type": "Flag", "actor": []}', '{"type": 5, "actor": "{origin}/actor"}', '{"type": null, "actor": "{origin}/actor"}',
    '\u0000',
]):
    expect = 400
    json_cases.append(case(f"json-{index}", expect, text))
# RFC 8259 §8.1: a parser may ignore a byte order mark; Palisade does.
json_cases.append(accepted("json-bom-prefixed", "\ufeff" + activity("json-bom-prefixed")))
json_cases.append(accepted("json-twenty-thousand-fields", activity("json-twenty-thousand-fields", **{"x%d" % i: 1 for i in range(20000)})))
json_cases.append(accepted("json-unicode-escapes", activity("json-unicode-escapes", content="\\u0041\u00e9\u4e2d\U0001F600")))
json_cases.append(accepted("json-nul-in-string", activity("json-nul-in-string", content="before\u0000after")))
json_cases.append(accepted("json-unknown-fields-kept", activity("json-unknown-fields-kept", **{"_misskey_content": "x", "xyz": {"deep": [1, 2, 3]}})))

# --- activities -------------------------------------------------------------------------------------------------------
acts = [
    case("act-note-not-an-activity", 400, json.dumps({"@context": AS, "id": "{origin}/hostile/act-note", "type": "Note", "content": "hi"})),
    case("act-without-actor", 400, json.dumps({"@context": AS, "id": "{origin}/hostile/act-noactor", "type": "Follow", "object": "x"})),
    case("act-id-on-another-origin", 403, activity("act-id-other", type_="Follow", id="https://elsewhere.invalid/follows/1", object="https://elsewhere.invalid/users/y")),
    case("act-actor-is-someone-else", 401, activity("act-actor-else", type_="Follow", actor="{origin}/users/victim", object="x")),
    case("act-actor-on-another-origin", 401, activity("act-actor-origin", type_="Follow", actor="https://elsewhere.invalid/actor", object="x")),
    case("act-create-foreign-object", 403, activity("act-create-foreign", type_="Create", object={"id": "https://victim.invalid/notes/1", "type": "Note", "attributedTo": "https://victim.invalid/users/v", "content": "forged"})),
    case("act-create-foreign-author", 403, activity("act-create-foreign-author", type_="Create", object={"id": "{origin}/notes/1", "type": "Note", "attributedTo": "https://victim.invalid/users/v", "content": "forged"})),
    case("act-update-foreign-object", 403, activity("act-update-foreign", type_="Update", object={"id": "https://victim.invalid/notes/2", "type": "Note", "content": "edited"})),
    case("act-delete-foreign-object", 403, activity("act-delete-foreign", type_="Delete", object={"id": "https://victim.invalid/notes/3", "type": "Tombstone"})),
    accepted("act-announce-foreign-object", activity("act-announce-foreign-object", type_="Announce", object="https://elsewhere.invalid/notes/4")),
    case("act-unknown-type", 400, activity("act-unknown-type", type_="Frobnicate", object="https://elsewhere.invalid/x")),
    accepted("act-follow-of-nobody", activity("act-follow-of-nobody", type_="Follow", object="http://{host}/users/nobody")),
    accepted("act-like-of-nothing", activity("act-like-of-nothing", type_="Like", object="http://{host}/users/nobody/statuses/1")),
    accepted("act-block-of-service", activity("act-block-of-service", type_="Block", object="http://{host}/actor")),
    accepted("act-move-to-nowhere", activity("act-move-to-nowhere", type_="Move", object="{origin}/actor", target="https://elsewhere.invalid/users/z")),
    accepted("act-undo-of-unknown", activity("act-undo-of-unknown", type_="Undo", object="{origin}/follows/never")),
    accepted("act-huge-addressing", activity("act-huge-addressing", type_="Create", to=["https://elsewhere.invalid/users/%d" % i for i in range(5000)],
                                             object={"id": "{origin}/notes/huge-to", "type": "Note", "attributedTo": "{origin}/actor", "content": "x"})),
    accepted("act-create-own-note-not-addressed-here", activity("act-create-own-note-not-addressed-here", type_="Create",
                                             object={"id": "{origin}/notes/own", "type": "Note", "attributedTo": "{origin}/actor", "content": "<script>alert(1)</script>"})),
    accepted("act-type-list", activity("act-type-list", type_=["Flag"])),
    case("act-actor-object-on-other-origin", 401, activity("act-actor-object", type_="Follow", actor={"id": "https://elsewhere.invalid/actor", "type": "Person"}, object="x")),
    accepted("act-actor-object-own", activity("act-actor-object-own", type_="Follow", actor={"id": "{origin}/actor", "type": "Application"}, object="http://{host}/users/nobody")),
    case("act-update-of-another-actor", 403, activity("act-update-other-actor", type_="Update", object={"id": "{origin}/users/victim", "type": "Person"})) if False else None,
]
acts = [a for a in acts if a]
for index in range(8):
    # Activities of every common type whose object id is on another server than the actor.
    kind = ["Create", "Update", "Delete"][index % 3]
    acts.append(case(f"act-foreign-embedded-{index}", 403, activity(f"act-foreign-embedded-{index}", type_=kind,
                                                                     object={"id": f"https://victim{index}.invalid/objects/{index}", "type": "Note", "content": "x"})))

# --- Flags ------------------------------------------------------------------------------------------------------------
flags = [
    accepted("flag-mastodon-shape"),
    accepted("flag-single-account", activity("flag-single-account", object="https://bad.invalid/users/x")),
    accepted("flag-statuses-only", activity("flag-statuses-only", object=["https://bad.invalid/users/x/statuses/9"])),
    accepted("flag-forged-embedded-status", activity("flag-forged-embedded-status", object=[{"id": "{origin}/statuses/1", "type": "Note", "attributedTo": "https://victim.invalid/users/alice", "content": "forged words"}])),
    accepted("flag-status-claiming-victim", activity("flag-status-claiming-victim", object=["{origin}/users/mallory/statuses/1"])),
    accepted("flag-javascript-object", activity("flag-javascript-object", object="javascript:alert(1)")),
    accepted("flag-data-url-object", activity("flag-data-url-object", object="data:text/html,<script>alert(1)</script>")),
    accepted("flag-thousand-objects", activity("flag-thousand-objects", object=["https://bad.invalid/users/x/statuses/%d" % i for i in range(1000)])),
    accepted("flag-big-comment", activity("flag-big-comment", content="spam " * 100000)),
    accepted("flag-terminal-escapes", activity("flag-terminal-escapes", content="\u001b]0;pwned\u0007\u001b[2J\u009b31m hidden")),
    accepted("flag-bidi-override", activity("flag-bidi-override", content="\u202eevil\u202c report")),
    accepted("flag-html-comment", activity("flag-html-comment", content="<p onclick=alert(1)>x</p><img src=x onerror=alert(1)>")),
    accepted("flag-no-object", activity("flag-no-object", object=[])),
    accepted("flag-null-object", activity("flag-null-object", object=None)),
    accepted("flag-object-numbers", activity("flag-object-numbers", object=[1, 2, 3])),
    accepted("flag-lemmy-summary", activity("flag-lemmy-summary", object="https://bad.invalid/post/1", summary="lemmy reason")),
    accepted("flag-misskey-content", activity("flag-misskey-content", object="https://bad.invalid/users/x", content="Note: https://bad.invalid/notes/1\n-----\nspam")),
    accepted("flag-object-private-address", activity("flag-object-private-address", object=["http://127.0.0.1:9/users/x", "http://169.254.169.254/latest/meta-data"])),
    accepted("flag-object-own-service", activity("flag-object-own-service", object=["http://{host}/actor"])),
    case("flag-id-on-another-origin", 403, activity("flag-id-other", id="https://elsewhere.invalid/flags/1")),
    case("flag-from-another-actor", 401, activity("flag-other-actor", actor="{origin}/users/mallory")),
    case("flag-unsigned", 401, activity("flag-unsigned"), sign={"dialect": "none"}),
    case("flag-expired", 401, activity("flag-expired"), sign={"dialect": "cavage", "age": -86400}),
    case("flag-to-unknown-account-inbox", 404, activity("flag-to-unknown-inbox"), path="/users/nobody/inbox"),
    accepted("flag-replayed", activity("flag-mastodon-shape"), stores=False),
]

# --- webhooks ---------------------------------------------------------------------------------------------------------
with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "webhooks", "mastodon-report.created.json")) as handle:
    report = json.load(handle)


def report_with(**changes):
    copy = json.loads(json.dumps(report))
    for key, value in changes.items():
        copy["object"][key] = value
    return json.dumps(copy)


hooks = [
    case("hook-valid-report", 200, json.dumps(report), to="webhook"),
    case("hook-replayed-report", 200, json.dumps(report), to="webhook"),
    case("hook-no-signature", 401, json.dumps(report), to="webhook", hub_signature="none"),
    case("hook-wrong-signature", 401, json.dumps(report), to="webhook", hub_signature="sha256=" + "0" * 64),
    case("hook-malformed-signature", 401, json.dumps(report), to="webhook", hub_signature="sha256=zz"),
    case("hook-md5-signature", 401, json.dumps(report), to="webhook", hub_signature="md5=abc"),
    case("hook-empty-signature", 401, json.dumps(report), to="webhook", hub_signature=""),
    case("hook-signature-of-other-body", 401, report_with(id="9999"), to="webhook", hub_signature="sha256=" + "a" * 64),
    case("hook-unknown-instance", 404, json.dumps(report), to="webhook", path="/hooks/mastodon/nowhere.invalid"),
    case("hook-bad-domain", 404, json.dumps(report), to="webhook", path="/hooks/mastodon/..%2F..%2Fetc"),
    case("hook-not-json", 400, "not json at all", to="webhook"),
    case("hook-json-array", 400, "[]", to="webhook"),
    case("hook-empty-body", 400, "", to="webhook"),
    case("hook-unknown-event", 200, json.dumps({"event": "account.approved", "created_at": "2023-10-26T13:34:00.351Z", "object": {}}), to="webhook"),
    case("hook-event-not-string", 400, json.dumps({"event": 5, "object": {}}), to="webhook"),
    case("hook-report-without-account", 400, json.dumps({"event": "report.created", "created_at": "2023-10-26T13:34:00.351Z", "object": {"id": "1"}}), to="webhook"),
    case("hook-deeply-nested", 400, '{"event": "report.created", "object": ' + '{"a":' * 600 + '1' + '}' * 600 + '}', to="webhook"),
    case("hook-oversized", 413, None, to="webhook", body_repeat={"text": " ", "count": 2000000, "prefix": '{"event": "report.created", "x": "', "suffix": '"}'}),
    case("hook-report-escapes", 200, report_with(id="8438", comment="\u001b]0;pwned\u0007 spam \u202e"), to="webhook"),
    case("hook-report-huge-comment", 200, report_with(id="8439", comment="x" * 200000), to="webhook"),
    case("hook-report-hostile-status", 200, report_with(id="8440", statuses=[{"id": "1", "uri": "javascript:alert(1)", "content": "<script>x</script>", "account": report["object"]["target_account"]["account"] if "target_account" in report["object"] else {}}]), to="webhook"),
    case("hook-report-string-id-types", 400, report_with(id=[1, 2]), to="webhook"),
    case("hook-report-null-object", 400, json.dumps({"event": "report.created", "object": None}), to="webhook"),
]

# --- headers and bodies over raw TCP or odd requests -----------------------------------------------------------------
headers = [
    case("raw-garbage-request-line", 400, raw="BLAH\r\n\r\n"),
    case("raw-no-version", 400, raw="GET /healthz\r\n\r\n"),
    case("raw-header-without-colon", 400, raw="GET /healthz HTTP/1.1\r\nHost: {host}\r\nNoColonHere\r\n\r\n"),
    case("raw-content-length-not-a-number", 400, raw="POST /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/activity+json\r\nContent-Length: ten\r\n\r\n"),
    case("raw-content-length-negative", 400, raw="POST /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/activity+json\r\nContent-Length: -5\r\n\r\n"),
    case("raw-two-content-lengths", 400, raw="POST /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab"),
    case("raw-chunked-and-length", 400, raw="POST /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    case("raw-bad-chunk-size", 400, raw="POST /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/activity+json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    case("raw-huge-header", 400, raw="GET /healthz HTTP/1.1\r\nHost: {host}\r\nX-Big: " + "a" * 100000 + "\r\n\r\n"),
    case("raw-too-many-headers", 400, raw="GET /healthz HTTP/1.1\r\nHost: {host}\r\n" + "".join("X-%d: a\r\n" % i for i in range(2000)) + "\r\n"),
    case("raw-nul-in-path", 400, raw="GET /he\u0000althz HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    case("raw-unknown-method", 400, raw="FROB /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n"),
    case("raw-absolute-form-target", 404, raw="GET http://169.254.169.254/latest HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    case("raw-long-path", 404, raw="GET /" + "a" * 20000 + " HTTP/1.1\r\nHost: {host}\r\n\r\n"),
    case("raw-http-1-0", 200, raw="GET /healthz HTTP/1.0\r\n\r\n"),
    case("raw-declared-oversize-body", 413, raw="POST /inbox HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/activity+json\r\nContent-Length: 99999999\r\n\r\n"),
    case("hdr-text-plain", 415, activity("hdr-text-plain"), content_type="text/plain"),
    case("hdr-form", 415, activity("hdr-form"), content_type="application/x-www-form-urlencoded"),
    case("hdr-multipart", 415, activity("hdr-multipart"), content_type="multipart/form-data; boundary=x"),
    case("hdr-no-content-type", 415, activity("hdr-no-content-type"), omit_content_type=True),
    case("hdr-json-lookalike", 415, activity("hdr-json-lookalike"), content_type="application/activity+jsonx"),
    accepted("hdr-ld-json-profile", activity("hdr-ld-json-profile"), content_type='application/ld+json; profile="https://www.w3.org/ns/activitystreams"'),
    accepted("hdr-plain-json", activity("hdr-plain-json"), content_type="application/json"),
    case("hdr-second-signature-header", 401, activity("hdr-second-signature"), headers=[["Signature", 'keyId="{origin}/actor#main-key",signature="AAAA"']]),
]

bodies = [
    case("body-two-megabytes", 413, None, body_repeat={"text": " ", "count": 2000000}),
    case("body-one-byte-over-limit", 413, None, body_repeat={"text": " ", "count": 1048577}),
    case("body-limit-of-whitespace", 400, None, body_repeat={"text": " ", "count": 1048576}),
    case("body-array-of-numbers", 400, None, body_repeat={"text": "1,", "count": 500000, "prefix": "[", "suffix": "1]"}),
    case("body-object-of-numbers", 400, None, body_repeat={"text": "1,", "count": 400000, "prefix": '{"type": "Flag", "actor": "{origin}/actor", "object": [', "suffix": "1]"}),
    case("body-deep-arrays", 400, None, body_repeat={"text": "[", "count": 100000}),
    case("body-deep-objects", 400, None, body_repeat={"text": '{"a":', "count": 100000}),
    case("body-long-string", 400, None, body_repeat={"text": "a", "count": 1000000, "prefix": '"', "suffix": '"'}),
    case("body-many-keys", 400, None, body_repeat={"text": '"k":1,', "count": 150000, "prefix": "{", "suffix": '"type": "Note"}'}),
    accepted("body-near-limit-content", None, body_repeat={"text": "spam ", "count": 200000,
        "prefix": '{"@context": "https://www.w3.org/ns/activitystreams", "id": "{origin}/hostile/body-near-limit-content", "type": "Flag", "actor": "{origin}/actor", "object": "https://bad.invalid/users/x", "content": "',
        "suffix": '"}'}),
    case("body-invalid-escape", 400, '{"type": "Flag", "content": "\\x41"}'),
    case("body-control-character", 400, '{"type": "Flag", "content": "a\u0001b"}'),
]

os.makedirs(OUT, exist_ok=True)
for name, cases in [("signatures", signatures), ("json", json_cases), ("activities", acts), ("flags", flags), ("webhooks", hooks),
                    ("headers", headers), ("bodies", bodies)]:
    with open(os.path.join(OUT, name + ".json"), "w") as handle:
        json.dump({"source": SOURCE, "cases": cases}, handle, indent=1, ensure_ascii=True)
        handle.write("\n")
print(sum(len(c) for c in [signatures, json_cases, acts, flags, hooks, headers, bodies]), "cases")
