#!/usr/bin/env python3
"""Build in DEST a mirror tree that is MIRROR with OVERLAY served on top, as
fakes.WithMirrorOverlay serves it to the tests: a project page of the overlay
adds its files (and versions) to the mirror's page of the same project, and a
file of the overlay is served instead of the mirror's. Everything else is a
symbolic link into MIRROR, so the tree costs no copy.

usage: overlay_mirror.py MIRROR OVERLAY DEST
"""
import json, os, sys


def link_dir(src, dest):
    os.makedirs(dest, exist_ok=True)
    for name in os.listdir(src):
        os.symlink(os.path.join(src, name), os.path.join(dest, name))


def merge_json(base, add):
    b, a = json.loads(base), json.loads(add)
    for key in ("files", "versions", "projects"):
        if isinstance(a.get(key), list):
            b[key] = (b.get(key) or []) + a[key]
    return json.dumps(b, indent=2).encode()


def merge_html(base, add):
    links = [l for l in add.decode().splitlines(keepends=True) if "<a " in l]
    text = base.decode()
    i = text.rfind("</body>")
    if i < 0:
        raise SystemExit("overlay: the mirror's page has no </body>")
    return (text[:i] + "".join(links) + text[i:]).encode()


def main():
    mirror, overlay, dest = (os.path.abspath(p) for p in sys.argv[1:4])
    os.makedirs(dest, exist_ok=True)
    for name in os.listdir(mirror):
        if name not in ("simple", "files"):
            os.symlink(os.path.join(mirror, name), os.path.join(dest, name))
    link_dir(os.path.join(mirror, "files"), os.path.join(dest, "files"))
    for name in os.listdir(os.path.join(overlay, "files")):
        p = os.path.join(dest, "files", name)
        if os.path.lexists(p):
            os.remove(p)
        os.symlink(os.path.join(overlay, "files", name), p)
    link_dir(os.path.join(mirror, "simple"), os.path.join(dest, "simple"))
    for project in os.listdir(os.path.join(overlay, "simple")):
        over = os.path.join(overlay, "simple", project)
        base = os.path.join(mirror, "simple", project)
        out = os.path.join(dest, "simple", project)
        if os.path.lexists(out):
            os.remove(out)
        os.makedirs(out)
        for page, merge in (("index.json", merge_json), ("index.html", merge_html)):
            o, b = os.path.join(over, page), os.path.join(base, page)
            if os.path.exists(o) and os.path.exists(b):
                with open(b, "rb") as fb, open(o, "rb") as fo:
                    data = merge(fb.read(), fo.read())
                with open(os.path.join(out, page), "wb") as f:
                    f.write(data)
            elif os.path.exists(o) or os.path.exists(b):
                os.symlink(o if os.path.exists(o) else b, os.path.join(out, page))


if __name__ == "__main__":
    main()
