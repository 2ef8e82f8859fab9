#!/usr/bin/env python3
"""Reads a Mastodon domain-block CSV feed the way Mastodon's importer does (csv.DictReader on the '#domain'… header)
and prints its rows as JSON, or the HTTP status when the fetch fails. Standard library only."""
import csv
import io
import json
import sys
import urllib.error
import urllib.request

url = sys.argv[1]
try:
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode("utf-8")
except urllib.error.HTTPError as error:
    print(json.dumps({"status": error.code}))
    sys.exit(0)
rows = list(csv.DictReader(io.StringIO(text)))
print(json.dumps({"status": 200, "rows": [
    {
        "domain": row["#domain"],
        "severity": row["#severity"],
        "reject_media": row["#reject_media"] == "true",
        "reject_reports": row["#reject_reports"] == "true",
        "public_comment": row["#public_comment"],
        "obfuscate": row["#obfuscate"] == "true",
    }
    for row in rows
]}))
