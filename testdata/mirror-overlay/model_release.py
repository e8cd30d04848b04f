#!/usr/bin/env python3
"""Add one modelled release to the test mirror overlay (see README.md).

The release's core metadata is a copy of a neighbouring release's metadata
file of the full mirror (../shared/mirror), with Name and Version kept,
Version changed, and the Requires-Dist/Requires-Python lines given with
--dist/--requires-python replaced (a --dist line replaces the neighbour's
Requires-Dist lines of the same project; a new project is added). Its wheel
files are NEW's versions of the neighbour's files whose tags are listed with
--tags (or of all the neighbour's Linux x86_64 and pure-Python wheels); a
listed tag the neighbour lacks takes the metadata of its first wheel. The
wheel sha256 is a placeholder, the sha256 of "mirror-overlay <filename>", as
for the other modelled releases. Both overlay pages (PEP 691 JSON, PEP 503
HTML) get the files; the metadata goes under files/.

usage: model_release.py MIRROR PROJECT NEW --from OLD [--tags T,...]
           [--requires-python SPEC] [--dist 'name spec' ...]
"""
import argparse, hashlib, html, json, os, re, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def sha(data):
    return hashlib.sha256(data).hexdigest()


def dist_name(line):
    return re.split(r"[\s\[<>=!~;(]", line.strip(), 1)[0].lower().replace("_", "-")


def model_metadata(text, new, dists, requires_python):
    out, replaced = [], set()
    for line in text.splitlines():
        key, _, value = line.partition(": ")
        if key == "Version":
            line = "Version: " + new
        elif key == "Requires-Python" and requires_python:
            line = "Requires-Python: " + requires_python
        elif key == "Requires-Dist":
            name = dist_name(value)
            match = [d for d in dists if dist_name(d) == name]
            if match and ";" not in value:
                if name in replaced:
                    continue
                replaced.add(name)
                line = "Requires-Dist: " + match[0]
        out.append(line)
    extra = ["Requires-Dist: " + d for d in dists if dist_name(d) not in replaced]
    if extra:
        at = max((i for i, l in enumerate(out) if l.startswith(("Requires-Dist:", "Requires-Python:", "Summary:"))), default=len(out) - 1)
        out[at + 1:at + 1] = extra
    if requires_python and not any(l.startswith("Requires-Python:") for l in out):
        out.insert(3, "Requires-Python: " + requires_python)
    return ("\n".join(out).rstrip("\n") + "\n\n").encode()


def wanted(filename, tags):
    if not filename.endswith(".whl"):
        return False
    tag = "-".join(filename[:-4].split("-")[-3:])
    if tags:
        return tag in tags
    return tag.endswith("-any") or "linux_x86_64" in tag or "manylinux" in tag and tag.endswith("x86_64")


def load_page(project):
    path = os.path.join(HERE, "simple", project, "index.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {"meta": {"api-version": "1.1"}, "name": project, "versions": [], "files": []}


def write_pages(project, page):
    folder = os.path.join(HERE, "simple", project)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "index.json"), "w") as f:
        json.dump(page, f, indent=2)
        f.write("\n")
    links = []
    for e in page["files"]:
        attrs = 'href="%s#sha256=%s"' % (e["url"], e["hashes"]["sha256"])
        if e.get("requires-python"):
            attrs += ' data-requires-python="%s"' % html.escape(e["requires-python"])
        if "core-metadata" in e:
            m = "sha256=" + e["core-metadata"]["sha256"]
            attrs += ' data-dist-info-metadata="%s" data-core-metadata="%s"' % (m, m)
        links.append("    <a %s>%s</a><br/>\n" % (attrs, e["filename"]))
    with open(os.path.join(folder, "index.html"), "w") as f:
        f.write('<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.1">\n'
                "    <title>Links for %s</title>\n  </head>\n  <body>\n    <h1>Links for %s</h1>\n%s  </body>\n</html>\n"
                % (project, project, "".join(links)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mirror")
    ap.add_argument("project")
    ap.add_argument("new")
    ap.add_argument("--from", dest="old", required=True)
    ap.add_argument("--tags", default="")
    ap.add_argument("--requires-python", default="")
    ap.add_argument("--dist", action="append", default=[])
    a = ap.parse_args()
    tags = set(t for t in a.tags.split(",") if t)
    with open(os.path.join(a.mirror, "simple", a.project, "index.json")) as f:
        base = json.load(f)
    page = load_page(a.project)
    old_prefix = "%s-%s-" % (base["files"][0]["filename"].split("-")[0], a.old)
    olds = [e for e in base["files"] if e["filename"].startswith(old_prefix) and "core-metadata" in e
            and e["filename"].endswith(".whl")]
    if not olds:
        sys.exit("no wheel of %s %s with core metadata" % (a.project, a.old))
    # Each wanted tag takes the neighbour's file of that tag, else (a tag
    # the neighbour was not built for) its first file's metadata: a
    # project's metadata is the same for every tag of a release.
    picks = [(e, e["filename"]) for e in olds if wanted(e["filename"], tags)]
    have = {fn for _, fn in picks}
    for tag in sorted(tags):
        fn = old_prefix + tag + ".whl"
        if fn not in have:
            picks.append((olds[0], fn))
    added = 0
    for e, fn in picks:
        with open(os.path.join(a.mirror, "files", e["filename"] + ".metadata"), "rb") as f:
            meta = model_metadata(f.read().decode(), a.new, a.dist, a.requires_python)
        new_fn = fn.replace("-%s-" % a.old, "-%s-" % a.new, 1)
        with open(os.path.join(HERE, "files", new_fn + ".metadata"), "wb") as f:
            f.write(meta)
        rp = a.requires_python or e.get("requires-python")
        entry = {"filename": new_fn, "url": "../../files/" + new_fn,
                 "hashes": {"sha256": sha(("mirror-overlay " + new_fn).encode())}, "size": 0, "yanked": False}
        if rp:
            entry["requires-python"] = rp
        entry["core-metadata"] = {"sha256": sha(meta)}
        entry["dist-info-metadata"] = {"sha256": sha(meta)}
        page["files"] = [x for x in page["files"] if x["filename"] != new_fn] + [entry]
        added += 1
    if not added:
        sys.exit("no wheel of %s %s matches" % (a.project, a.old))
    if a.new not in page["versions"] and a.new not in base.get("versions", []):
        page["versions"].append(a.new)  # (more files of a release the mirror has add no version)
    page["files"].sort(key=lambda x: x["filename"])
    write_pages(a.project, page)
    print("%s %s: %d files modelled on %s" % (a.project, a.new, added, a.old))


if __name__ == "__main__":
    main()
