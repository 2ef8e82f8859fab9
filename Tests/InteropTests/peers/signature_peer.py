#!/usr/bin/env python3
"""A fediverse peer built on independent HTTP-signature libraries, for Palisade's interoperability tests.

serve: an HTTP server on 127.0.0.1 that verifies every request (draft-cavage with httpsig, RFC 9421 with
       http-message-signatures) and answers 200 "verified <dialect>" or 401 "<reason>". Prints "PORT <n>".
send:  signs one request with those libraries, optionally tampers with it, sends it, prints {"status", "body"}.
"""
import argparse
import base64
import datetime
import hashlib
import http.server
import json
import sys
import threading

import requests
from requests.structures import CaseInsensitiveDict
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, HTTPSignatureKeyResolver, algorithms
from httpsig.sign import HeaderSigner
from httpsig.verify import HeaderVerifier


class Message:
    """The request shape http-message-signatures reads: method, absolute url, headers."""

    def __init__(self, method, url, headers):
        self.method = method
        self.url = url
        self.headers = headers


class Keys(HTTPSignatureKeyResolver):
    def __init__(self, public_pem=None, private_pem=None):
        self.public_pem = public_pem
        self.private_pem = private_pem

    def resolve_public_key(self, key_id):
        return self.public_pem

    def resolve_private_key(self, key_id):
        return self.private_pem


def verify_cavage(method, path, headers, body, public_pem):
    required = ["(request-target)", "host", "date"] + (["digest"] if body or method == "POST" else [])
    verifier = HeaderVerifier(headers, public_pem, required_headers=required, method=method, path=path, sign_header="signature")
    if not verifier.verify():
        raise ValueError("httpsig: signature does not verify")
    if "digest" in headers:
        label, _, value = headers["digest"].partition("=")
        if label.lower() != "sha-256" or base64.b64decode(value) != hashlib.sha256(body).digest():
            raise ValueError("digest does not match the body")


def verify_rfc9421(method, path, headers, body, public_pem):
    url = "https://" + headers["host"] + path
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Keys(public_pem=public_pem))
    verifier.verify(Message(method, url, headers), require_components=("@method", "@target-uri"), body=body)


def serve(args):
    public_pem = open(args.public_key, "rb").read()

    class Handler(http.server.BaseHTTPRequestHandler):
        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = CaseInsensitiveDict((name, value) for name, value in self.headers.items())
            try:
                if "signature-input" in headers:
                    verify_rfc9421(self.command, self.path, headers, body, public_pem)
                    answer = (200, "verified rfc9421")
                elif "signature" in headers:
                    verify_cavage(self.command, self.path, headers, body, public_pem)
                    answer = (200, "verified cavage")
                else:
                    answer = (401, "no signature")
            except Exception as error:  # every refusal is an answer, never a crash
                answer = (401, f"{type(error).__name__}: {error}")
            payload = answer[1].encode()
            self.send_response(answer[0])
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = handle_any
        do_POST = handle_any

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # runs until the test closes standard input (or kills the process)
    server.shutdown()


def send(args):
    private_pem = open(args.private_key, "rb").read()
    body = args.body.encode()
    host = args.url.split("/")[2]
    path = "/" + args.url.split("/", 3)[3]
    headers = CaseInsensitiveDict({
        "Host": host,
        "Date": datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "Content-Type": "application/activity+json",
    })
    if args.dialect == "cavage":
        if body or args.method == "POST":
            headers["Digest"] = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        covered = ["(request-target)", "host", "date"] + (["digest"] if "Digest" in headers else [])
        signer = HeaderSigner(args.key_id, private_pem, algorithm="rsa-sha256", headers=covered, sign_header="signature")
        headers = CaseInsensitiveDict(signer.sign(headers, method=args.method, path=path))
    else:
        signer = HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Keys(private_pem=private_pem))
        covered = ("@method", "@target-uri") + (("content-digest",) if body or args.method == "POST" else ())
        signer.sign(Message(args.method, "https://" + host + path, headers), key_id=args.key_id, label="sig1",
                    include_alg=False, covered_component_ids=covered, body=body if "content-digest" in covered else None)
    url = args.url
    if args.tamper == "body":
        body = body.replace(b"Flag", b"Block")
    elif args.tamper == "path":
        url = args.url.rsplit("/", 1)[0] + "/other-inbox"
    elif args.tamper == "date":
        later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=60)
        headers["Date"] = later.strftime("%a, %d %b %Y %H:%M:%S GMT")  # still inside the window: only the signature can tell
    response = requests.request(args.method, url, headers=dict(headers), data=body, timeout=10)
    print(json.dumps({"status": response.status_code, "body": response.text}))


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("--public-key", required=True)
    send_parser = commands.add_parser("send")
    send_parser.add_argument("--url", required=True)
    send_parser.add_argument("--private-key", required=True)
    send_parser.add_argument("--key-id", required=True)
    send_parser.add_argument("--dialect", choices=["cavage", "rfc9421"], required=True)
    send_parser.add_argument("--method", default="POST")
    send_parser.add_argument("--body", default='{"type":"Flag"}')
    send_parser.add_argument("--tamper", choices=["none", "body", "path", "date"], default="none")
    args = parser.parse_args()
    serve(args) if args.command == "serve" else send(args)


if __name__ == "__main__":
    main()
