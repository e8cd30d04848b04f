"""Independent uv-export selection for differential tests of uvlock.Export.

Usage: python3 export_oracle.py < JOBS
where each line of JOBS is: LOCK PYTHON_FULL [--no-dev] [--extra X]...
[--all-extras] [--no-emit-package P]... [--prune P]...
For each job it prints the selection, then a line "---".

Reads LOCK with tomllib, evaluates markers with pip's vendored packaging for
CPython PYTHON_FULL on Linux x86_64, walks from the root project and prints
the selected "name==version" lines, sorted. Conflict markers (extra-N-...)
are not supported: locks that use them are not given to this oracle.
"""
import sys
import tomllib
from pip._vendor.packaging.markers import Marker
from pip._vendor.packaging.utils import canonicalize_name

_locks = {}
_marks = {}


def run(args):
    lock_path, py = args[0], args[1]
    opts = {"no_dev": False, "extras": [], "all_extras": False, "no_emit": set(), "prune": set()}
    i = 2
    while i < len(args):
        a = args[i]
        if a == "--no-dev":
            opts["no_dev"] = True
        elif a == "--all-extras":
            opts["all_extras"] = True
        elif a == "--extra":
            i += 1; opts["extras"].append(canonicalize_name(args[i]))
        elif a == "--no-emit-package":
            i += 1; opts["no_emit"].add(canonicalize_name(args[i]))
        elif a == "--prune":
            i += 1; opts["prune"].add(canonicalize_name(args[i]))
        i += 1

    env = {
        "implementation_name": "cpython", "implementation_version": py,
        "os_name": "posix", "platform_machine": "x86_64", "platform_python_implementation": "CPython",
        "platform_release": "", "platform_system": "Linux", "platform_version": "",
        "python_full_version": py, "python_version": ".".join(py.split(".")[:2]), "sys_platform": "linux",
    }

    if lock_path not in _locks:
        with open(lock_path, "rb") as f:
            _locks[lock_path] = tomllib.load(f)
    lock = _locks[lock_path]
    pkgs = lock.get("package", [])
    by_name = {}
    for p in pkgs:
        by_name.setdefault(canonicalize_name(p["name"]), []).append(p)

    def holds(m):
        if not m:
            return True
        key = (m, py)
        if key not in _marks:
            e = dict(env); e["extra"] = ""
            _marks[key] = Marker(m).evaluate(e)
        return _marks[key]

    def resolve(dep):
        cands = by_name[canonicalize_name(dep["name"])]
        if len(cands) == 1:
            return cands[0]
        m = [c for c in cands if ("version" not in dep or c.get("version") == dep["version"])
             and ("source" not in dep or c.get("source") == dep["source"])]
        if len(m) == 1:
            return m[0]
        for c in m:
            if any(holds(r) for r in c.get("resolution-markers", [])):
                return c
        return m[0]

    roots = [p for p in pkgs if p.get("source", {}).get("editable") == "." or p.get("source", {}).get("virtual") == "."]
    selected = {}
    seen = set()
    queue = []
    for r in roots:
        selected[id(r)] = r
        extras = list(r.get("optional-dependencies", {})) if opts["all_extras"] else opts["extras"]
        queue += r.get("dependencies", [])
        for x in extras:
            queue += r["optional-dependencies"][x]
        if not opts["no_dev"]:
            queue += r.get("dev-dependencies", {}).get("dev", [])
        seen.add((id(r), ""))
    while queue:
        d = queue.pop(0)
        if canonicalize_name(d["name"]) in opts["prune"] or not holds(d.get("marker")):
            continue
        p = resolve(d)
        selected[id(p)] = p
        for key in [""] + d.get("extra", []):
            if (id(p), key) in seen:
                continue
            seen.add((id(p), key))
            queue += p.get("dependencies", []) if key == "" else p.get("optional-dependencies", {}).get(key, [])
    out = sorted("%s==%s" % (canonicalize_name(p["name"]), p.get("version", "")) for p in selected.values()
                 if canonicalize_name(p["name"]) not in opts["no_emit"])
    print("\n".join(out))
    print("---")


for line in sys.stdin:
    if line.strip():
        run(line.split())
        sys.stdout.flush()
