#!/usr/bin/env python3
"""An attached instance for Palisade's decision tests, built on independent libraries.

serve: an HTTP server on 127.0.0.1. GET /actor is its instance actor (inbox and shared inbox /inbox, the given public
       key). POST /inbox fetches the signer's key from its keyId (the actor document, as Mastodon does), verifies the
       draft-cavage signature with httpsig and the Digest with hashlib, expands the activity with pyld (the
       ActivityStreams context bundled with pyld; any other context fetched from the signer's own origin only), and
       answers 202, or 401 with the reason. GET /received lists every POST: {"verified", "reason", "activity",
       "expanded"}. Prints "PORT <n>"; runs until standard input closes.
"""
import argparse
import base64
import hashlib
import http.server
import json
import sys
import threading
from urllib.parse import urlsplit

import requests
from httpsig.verify import HeaderVerifier
from pyld import jsonld
from pyld.documentloader.frozen import BUNDLED_CONTEXTS, FrozenDocumentLoader
from requests.structures import CaseInsensitiveDict

RECEIVED = []
LOCK = threading.Lock()


def signature_parameters(header):
    parameters = {}
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        parameters[name] = value.strip('"')
    return parameters


def verify(method, path, headers, body):
    if "signature" not in headers:
        raise ValueError("no Signature header")
    key_id = signature_parameters(headers["signature"]).get("keyId", "")
    actor_url = key_id.split("#", 1)[0]
    actor = requests.get(actor_url, headers={"Accept": "application/activity+json"}, timeout=10).json()
    key = actor.get("publicKey") or {}
    if key.get("id") != key_id:
        raise ValueError(f"the actor at {actor_url} does not publish key {key_id}")
    verifier = HeaderVerifier(headers, key["publicKeyPem"].encode(), required_headers=["(request-target)", "host", "date", "digest"],
                              method=method, path=path, sign_header="signature")
    if not verifier.verify():
        raise ValueError("httpsig: the signature does not verify")
    label, _, value = headers["digest"].partition("=")
    if label.lower() != "sha-256" or base64.b64decode(value) != hashlib.sha256(body).digest():
        raise ValueError("the digest does not match the body")
    return actor_url


def expand(activity, signer):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(signer))
    documents = dict(BUNDLED_CONTEXTS)
    contexts = activity.get("@context")
    for url in contexts if isinstance(contexts, list) else [contexts]:
        if isinstance(url, str) and url not in documents and url.startswith(origin + "/"):
            documents[url] = requests.get(url, timeout=10).json()
    return jsonld.expand(activity, {"documentLoader": FrozenDocumentLoader(documents=documents)})


def serve(args):
    public_pem = open(args.public_key).read()

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self, status, payload, content_type="text/plain"):
            data = payload.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            origin = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/actor":
                actor = {
                    "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                    "id": origin + "/actor", "type": "Application", "preferredUsername": "instance.example",
                    "inbox": origin + "/actor/inbox", "endpoints": {"sharedInbox": origin + "/inbox"},
                    "publicKey": {"id": origin + "/actor#main-key", "owner": origin + "/actor", "publicKeyPem": public_pem},
                }
                self.answer(200, json.dumps(actor), "application/activity+json")
            elif self.path == "/received":
                with LOCK:
                    self.answer(200, json.dumps(RECEIVED), "application/json")
            else:
                self.answer(404, "not found")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = CaseInsensitiveDict((name, value) for name, value in self.headers.items())
            entry = {"path": self.path, "verified": False, "reason": None, "activity": None, "expanded": None}
            try:
                signer = verify("POST", self.path, headers, body)
                entry["verified"] = True
                entry["activity"] = json.loads(body)
                entry["expanded"] = expand(entry["activity"], signer)
                status = (202, "accepted")
            except Exception as error:  # every refusal is an answer, never a crash
                entry["reason"] = f"{type(error).__name__}: {error}"
                status = (401, entry["reason"])
            with LOCK:
                RECEIVED.append(entry)
            self.answer(*status)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("--public-key", required=True)
    serve(parser.parse_args())


if __name__ == "__main__":
    main()
