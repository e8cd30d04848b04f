"""Differential-test oracle: pip's vendored packaging (24.1) parses and
evaluates what the Go test sends, one JSON object per line on stdin, and
answers one JSON object per line on stdout.

Input:  {"kind": "req" | "marker", "s": str, "envs": [ {name: value} ]}
Output: {"ok": bool,
         "err": exception class name, "span": [start, end] (ParserSyntaxError only),
         "name", "extras", "spec", "url", "marker", "str"  (requirements),
         "marker", (markers)
         "evals": ["true" | "false" | "error:" + exception class name] per env}
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")

from pip._vendor.packaging import __version__
from pip._vendor.packaging._tokenizer import ParserSyntaxError
from pip._vendor.packaging.markers import Marker
from pip._vendor.packaging.requirements import Requirement


def failure(e):
    out = {"ok": False, "err": type(e).__name__}
    cause = e.__cause__ if e.__cause__ is not None else e
    if isinstance(cause, ParserSyntaxError):
        out["span"] = list(cause.span)
        out["msg"] = cause.message
    return out


def evaluate(marker, envs):
    res = []
    for env in envs:
        try:
            res.append("true" if marker.evaluate(env) else "false")
        except Exception as e:  # noqa: BLE001 - any raise is an outcome
            res.append("error:" + type(e).__name__)
    return res


def handle(case):
    s = case["s"]
    envs = case.get("envs") or []
    if case["kind"] == "req":
        try:
            r = Requirement(s)
        except Exception as e:  # noqa: BLE001
            return failure(e)
        out = {
            "ok": True,
            "name": r.name,
            "extras": sorted(r.extras),
            "spec": str(r.specifier),
            "url": r.url or "",
            "marker": str(r.marker) if r.marker is not None else None,
            "str": str(r),
        }
        if r.marker is not None:
            out["evals"] = evaluate(r.marker, envs)
        return out
    try:
        m = Marker(s)
    except Exception as e:  # noqa: BLE001
        return failure(e)
    return {"ok": True, "marker": str(m), "evals": evaluate(m, envs)}


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--version":
        print(__version__)
        return
    out = sys.stdout
    for line in sys.stdin:
        out.write(json.dumps(handle(json.loads(line))) + "\n")


if __name__ == "__main__":
    main()
