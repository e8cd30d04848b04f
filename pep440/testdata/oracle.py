"""Differential oracle for package pep440: pip's vendored packaging.

Reads one JSON request on stdin and writes one JSON answer on stdout:

  request:  {"versions": [str], "specifiers": [str], "sets": [str],
             "contains": [[set_index, version_index]],
             "filters": [[set_index, [version_index]]]}
  answer:   {"packaging": str,
             "versions": [{"ok": bool, "big": bool (a number beyond int64),
                           "str": str, "rank": int, "epoch": int,
                           "release": [int], "pre": [str, int] | null,
                           "post": int | null, "dev": int | null,
                           "local": str | null, "is_prerelease": bool,
                           "public": str, "base": str}],
             "specifiers": [{"ok": bool, "str": str}],
             "sets": [{"ok": bool, "str": str, "prereleases": bool | null | "error",
                       "prereleases_lenient": bool (ignoring items that raise)}],
             "contains": [[true_result, false_result]]   (each bool or "error"),
             "filters": [[none_result, true_result]]      (each [version_index] or "error")}

rank is the dense rank of a valid version among the valid versions in
packaging's order (equal versions share a rank).
"""

import json
import sys

from pip._vendor import packaging
from pip._vendor.packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from pip._vendor.packaging.version import InvalidVersion, Version


def main():
    req = json.load(sys.stdin)
    parsed = []
    out_versions = []
    for s in req["versions"]:
        try:
            v = Version(s)
        except InvalidVersion:
            parsed.append(None)
            out_versions.append({"ok": False})
            continue
        if max([v.epoch, *v.release, *(n for n in (v.pre and v.pre[1], v.post, v.dev) if n)]) > 2**63 - 1:
            # Beyond int64: the Go package rejects these (a documented deviation).
            parsed.append(None)
            out_versions.append({"ok": False, "big": True})
            continue
        parsed.append(v)
        out_versions.append({
            "ok": True,
            "str": str(v),
            "epoch": v.epoch,
            "release": list(v.release),
            "pre": list(v.pre) if v.pre is not None else None,
            "post": v.post,
            "dev": v.dev,
            "local": v.local,
            "is_prerelease": v.is_prerelease,
            "public": v.public,
            "base": v.base_version,
        })
    valid = sorted((v for v in parsed if v is not None))
    rank = {}
    r = -1
    prev = None
    for v in valid:
        if prev is None or v != prev:
            r += 1
        prev = v
        rank[id(v)] = r
    for v, o in zip(parsed, out_versions):
        if v is not None:
            o["rank"] = rank[id(v)]

    out_specs = []
    for s in req["specifiers"]:
        try:
            out_specs.append({"ok": True, "str": str(Specifier(s))})
        except InvalidSpecifier:
            out_specs.append({"ok": False})

    sets = []
    out_sets = []
    for s in req["sets"]:
        try:
            ss = SpecifierSet(s)
        except InvalidSpecifier:
            sets.append(None)
            out_sets.append({"ok": False})
            continue
        sets.append(ss)
        try:
            pre = ss.prereleases
        except InvalidVersion:
            pre = "error"
        # The items whose version parses: packaging's any() raises or not
        # depending on set order; this is the answer without the raising items.
        lenient = False
        for item in ss:
            try:
                lenient = lenient or item.prereleases
            except InvalidVersion:
                pass
        out_sets.append({"ok": True, "str": str(ss), "prereleases": pre, "prereleases_lenient": lenient})

    def guard(f):
        try:
            return f()
        except InvalidVersion:
            return "error"

    out_contains = []
    for si, vi in req["contains"]:
        ss, v = sets[si], parsed[vi]
        out_contains.append([
            guard(lambda: ss.contains(v, prereleases=True)),
            guard(lambda: ss.contains(v, prereleases=False)),
        ])

    out_filters = []
    for si, vis in req["filters"]:
        ss = sets[si]
        items = [(parsed[i], i) for i in vis]
        idx = {id(v): i for v, i in items}

        def run(pre):
            return [idx[id(v)] for v in ss.filter([v for v, _ in items], prereleases=pre)]

        out_filters.append([guard(lambda: run(None)), guard(lambda: run(True))])

    json.dump({
        "packaging": packaging.__version__,
        "versions": out_versions,
        "specifiers": out_specs,
        "sets": out_sets,
        "contains": out_contains,
        "filters": out_filters,
    }, sys.stdout)


main()
