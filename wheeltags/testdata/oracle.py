"""Oracle for the wheeltags differential tests: pip's vendored packaging 24.1.

Usage:
  oracle.py filenames < names.json   # JSON list of strings in, JSON list of results out
  oracle.py tags < targets.json      # JSON list of {"python":[3,12],"glibc":[2,36],"arch":"x86_64"}

For filenames, each result is {"wheel": ..., "sdist": ...} where each is null
when packaging rejects the name, else the parsed fields. For tags, each result
is the list of "interp-abi-platform" strings in the order of
cpython_tags(...) followed by compatible_tags(...), with the platforms that
packaging._manylinux.platform_tags yields for the given glibc (the running
glibc is replaced by the given one), then linux_<arch>.
"""
import json
import sys

from pip._vendor.packaging import _manylinux, tags, utils


def wheel(name):
    try:
        n, v, b, t = utils.parse_wheel_filename(name)
    except Exception:
        return None
    return {
        "name": n,
        "version": str(v),
        "build": [str(b[0]), b[1]] if b else None,
        "tags": sorted(str(x) for x in t),
    }


def sdist(name):
    try:
        n, v = utils.parse_sdist_filename(name)
    except Exception:
        return None
    return {"name": n, "version": str(v)}


def platforms(glibc, arch):
    _manylinux._get_glibc_version = lambda: tuple(glibc)
    _manylinux._have_compatible_abi = lambda executable, archs: True
    return list(_manylinux.platform_tags([arch])) + [f"linux_{arch}"]


def supported(target):
    py = tuple(target["python"])
    plats = platforms(target["glibc"], target["arch"])
    interp = f"cp{py[0]}{py[1]}"
    out = list(tags.cpython_tags(py, [interp], plats))
    out += list(tags.compatible_tags(py, interp, plats))
    return [str(t) for t in out]


def main():
    mode = sys.argv[1]
    data = json.load(sys.stdin)
    if mode == "filenames":
        out = [{"wheel": wheel(s), "sdist": sdist(s)} for s in data]
    elif mode == "tags":
        out = [supported(t) for t in data]
    else:
        raise SystemExit(f"unknown mode {mode}")
    sys.stdout.write(json.dumps(out))  # dumps uses the C encoder, dump does not


main()
