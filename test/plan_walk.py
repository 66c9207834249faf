#!/usr/bin/env python3
"""test/plan_walk.py: what the relation queries of app_roles walked.

Reads auto_explain's notices (log_format json, log_analyze on) from stdin and
prints a line per kind of relation query (core/catalog.c: "question", the
count before any page, and "pages"):

    KIND RUNS WALKED MOST MS SCANS

RUNS: how many ran; WALKED: the pg_class rows their scans read (returned plus
removed by a filter, times loops); MOST: the most one run read; MS: the
server's milliseconds, auto_explain's counting included; SCANS: how pg_class
was read, "+sort" where a Sort sat above the scan.  Used by
test/scale_walk.sh and test/bench/plans.sh.
"""
import json
import re
import sys


def walk(node, under_sort, scans):
    """The rows the pg_class scans under node read; their names into scans."""
    rows = 0
    index = node.get("Index Name", "")
    if node.get("Relation Name") == "pg_class" or index.startswith("pg_class"):
        if node["Node Type"] != "Bitmap Index Scan":     # its heap scan counts
            rows += (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) \
                * node.get("Actual Loops", 1)
        scans.add(node["Node Type"] + (" " + index if index else "")
                  + (" +sort" if under_sort else ""))
    for child in node.get("Plans", []):
        rows += walk(child, under_sort or node["Node Type"] == "Sort", scans)
    return rows


def main():
    kinds = {}
    for m in re.finditer(r"duration: ([0-9.]+) ms  plan:\n(\{.*?\n\})", sys.stdin.read(), re.S):
        plan = json.loads(m.group(2))
        sql = plan["Query Text"]
        if "FROM pg_catalog.pg_class c" not in sql:
            continue
        kind = "question" if sql.startswith("SELECT pg_catalog.count(*)") else "pages"
        k = kinds.setdefault(kind, {"runs": 0, "walked": 0, "most": 0, "ms": 0.0, "scans": set()})
        rows = walk(plan["Plan"], False, k["scans"])
        k["runs"] += 1
        k["walked"] += rows
        k["most"] = max(k["most"], rows)
        k["ms"] += float(m.group(1))
    for kind in ("question", "pages"):
        if kind in kinds:
            k = kinds[kind]
            print("%s %d %d %d %.1f %s" % (kind, k["runs"], k["walked"], k["most"], k["ms"],
                                            "; ".join(sorted(k["scans"]))))


main()
