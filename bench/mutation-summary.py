#!/usr/bin/env python3
"""Prints a Stryker.NET JSON report's mutation score per file and in total (killed and timed-out mutants over every
mutant that ran or had no test; compile errors and ignored mutants do not count, as in Stryker's own score)."""
import json
import os
import sys

DETECTED = {"Killed", "Timeout"}
UNDETECTED = {"Survived", "NoCoverage"}

for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as report:
        files = json.load(report)["files"]
    total_detected = total_valid = 0
    print(path)
    for name, entry in sorted(files.items()):
        statuses = [m["status"] for m in entry.get("mutants", [])]
        detected = sum(s in DETECTED for s in statuses)
        valid = detected + sum(s in UNDETECTED for s in statuses)
        if valid == 0:
            continue
        total_detected += detected
        total_valid += valid
        print(f"  {os.path.basename(name):32} {detected:4} of {valid:4}  {100 * detected / valid:6.2f} %")
    if total_valid:
        print(f"  {'total':32} {total_detected:4} of {total_valid:4}  {100 * total_detected / total_valid:6.2f} %")
