#!/usr/bin/env python3
"""A Mastodon server's admin REST API, as Mastodon's API documentation specifies it, for Palisade's enforcement tests.

serve --state FILE --token TOKEN [--throttle N]: an HTTP server on 127.0.0.1 holding the accounts (Admin::Account
       objects), domain blocks (Admin::DomainBlock) and reports of FILE. It answers, for the bearer TOKEN only:
         GET    /api/v1/admin/accounts?username=&local=|remote=&by_domain=   [Admin::Account]
         POST   /api/v1/admin/accounts/:id/action  (type, report_id, text, send_email_notification)   {}
         POST   /api/v1/admin/accounts/:id/unsilence|unsuspend|unsensitive   Admin::Account
         GET    /api/v1/admin/domain_blocks   [Admin::DomainBlock]
         POST   /api/v1/admin/domain_blocks   (domain, severity, reject_media, reject_reports, private_comment,
                                               public_comment)   Admin::DomainBlock, or 422 when the domain is blocked
         DELETE /api/v1/admin/domain_blocks/:id   {}
         POST   /api/v1/admin/reports/:id/resolve   Admin::Report
       The first N authorised requests are answered 429 with Retry-After: 1 and X-RateLimit-Reset, as a throttled
       Mastodon does. GET /state (no token) returns the state and every request made. Prints "PORT <n>".
"""
import argparse
import datetime
import http.server
import json
import sys
import threading
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()


def serve(args):
    state = json.load(open(args.state))
    state.setdefault("accounts", [])
    state.setdefault("domain_blocks", [])
    state.setdefault("reports", [])
    state["requests"] = []
    throttle = [args.throttle]

    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self, status, payload, headers=None):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def form(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if self.headers.get("Content-Type", "").startswith("application/json"):
                return json.loads(body or "{}")
            return {name: values[-1] for name, values in parse_qs(body, keep_blank_values=True).items()}

        def handle_any(self):
            url = urlsplit(self.path)
            if url.path == "/state":
                with LOCK:
                    return self.reply(200, state)
            form = self.form() if self.command in ("POST", "DELETE") else {}
            query = {name: values[-1] for name, values in parse_qs(url.query).items()}
            with LOCK:
                state["requests"].append({"method": self.command, "path": url.path, "form": form, "query": query})
                if self.headers.get("Authorization") != f"Bearer {args.token}":
                    return self.reply(401, {"error": "The access token is invalid"})
                if throttle[0] > 0:
                    throttle[0] -= 1
                    reset = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)
                    return self.reply(429, {"error": "Too many requests"},
                                      {"Retry-After": "1", "X-RateLimit-Reset": reset.isoformat().replace("+00:00", "Z")})
                return self.route(url.path.strip("/").split("/"), form, query)

        def route(self, parts, form, query):
            accounts = {account["id"]: account for account in state["accounts"]}
            if parts[:3] != ["api", "v1", "admin"]:
                return self.reply(404, {"error": "Record not found"})
            rest = parts[3:]
            if rest == ["accounts"] and self.command == "GET":
                found = list(accounts.values())
                if "username" in query:
                    found = [a for a in found if a["username"].lower() == query["username"].lower()]
                if query.get("local") == "true":
                    found = [a for a in found if a["domain"] is None]
                if query.get("remote") == "true":
                    found = [a for a in found if a["domain"] is not None]
                if "by_domain" in query:
                    found = [a for a in found if a["domain"] == query["by_domain"]]
                return self.reply(200, found)
            if len(rest) == 3 and rest[0] == "accounts" and self.command == "POST":
                account = accounts.get(rest[1])
                if account is None:
                    return self.reply(404, {"error": "Record not found"})
                if rest[2] == "action":
                    kind = form.get("type")
                    if kind not in ("none", "sensitive", "disable", "silence", "suspend"):
                        return self.reply(422, {"error": "Validation failed: type is not included in the list"})
                    flag = {"sensitive": "sensitized", "silence": "silenced", "suspend": "suspended", "disable": "disabled"}.get(kind)
                    if flag:
                        account[flag] = True
                    report = form.get("report_id")
                    for entry in state["reports"]:
                        if report and entry["id"] == report:
                            entry["action_taken"] = True
                    return self.reply(200, {})
                flag = {"unsilence": "silenced", "unsuspend": "suspended", "unsensitive": "sensitized"}.get(rest[2])
                if flag:
                    account[flag] = False
                    return self.reply(200, account)
            if rest == ["domain_blocks"] and self.command == "GET":
                return self.reply(200, state["domain_blocks"])
            if rest == ["domain_blocks"] and self.command == "POST":
                domain = form.get("domain", "").lower()
                existing = next((b for b in state["domain_blocks"] if b["domain"] == domain), None)
                if existing:
                    return self.reply(422, {"error": "You have already imposed stricter limits on this domain",
                                            "existing_domain_block": existing})
                block = {
                    "id": str(100 + len(state["domain_blocks"])), "domain": domain,
                    "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                    "severity": form.get("severity", "silence"), "reject_media": form.get("reject_media") == "true",
                    "reject_reports": form.get("reject_reports") == "true", "private_comment": form.get("private_comment"),
                    "public_comment": form.get("public_comment"), "obfuscate": False,
                }
                state["domain_blocks"].append(block)
                return self.reply(200, block)
            if len(rest) == 2 and rest[0] == "domain_blocks" and self.command == "DELETE":
                before = len(state["domain_blocks"])
                state["domain_blocks"] = [b for b in state["domain_blocks"] if b["id"] != rest[1]]
                return self.reply(200 if len(state["domain_blocks"]) < before else 404, {} if len(state["domain_blocks"]) < before else {"error": "Record not found"})
            if len(rest) == 3 and rest[0] == "reports" and rest[2] == "resolve" and self.command == "POST":
                report = next((r for r in state["reports"] if r["id"] == rest[1]), None)
                if report is None:
                    return self.reply(404, {"error": "Record not found"})
                report["action_taken"] = True
                return self.reply(200, report)
            return self.reply(404, {"error": "Record not found"})

        do_GET = handle_any
        do_POST = handle_any
        do_DELETE = handle_any

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
    serve_parser.add_argument("--state", required=True)
    serve_parser.add_argument("--token", required=True)
    serve_parser.add_argument("--throttle", type=int, default=0)
    serve(parser.parse_args())


if __name__ == "__main__":
    main()
