#!/usr/bin/env python3
"""Searches the test hosts' log files (LOYALTY_TEST_LOG_DIR) for personal data: email addresses and phone numbers.

    python3 tests/scan-logs.py FOLDER [--unhandled]

Prints the number of files and lines read and every line that looks like it carries an email address or a phone
number, and exits 1 if there is one. The tests enrol members with such values, so a module that logs them is caught.
With --unhandled (CI passes it when a test failed) it also prints the requests that ended in an unhandled exception
(ASP.NET Core's error entries, stack trace included), since a failed browser test shows only the 500 page.
"""
import pathlib, re, sys

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?<![\w.+-])\+\d[\d ()-]{7,}\d")
folder = pathlib.Path(sys.argv[1])
files = sorted(folder.glob("*.log"))
lines = found = unhandled = 0
for path in files:
    with path.open(encoding="utf-8", errors="replace") as log:
        for line in log:
            lines += 1
            if "--unhandled" in sys.argv and re.match(r"(Error|Critical)\|Microsoft\.AspNetCore\.", line):
                unhandled += 1
                if unhandled <= 10:
                    print(f"unhandled, {path.name}: {line.rstrip()[:3000]}")
            if EMAIL.search(line) or PHONE.search(line):
                found += 1
                if found <= 20:
                    print(f"{path.name}: {line.rstrip()[:400]}")
print(f"log scan: {len(files)} files, {lines} lines, {found} with personal data")
sys.exit(1 if found or not files else 0)
