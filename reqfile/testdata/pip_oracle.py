"""Read requirements files with pip's own parser: the oracle for reqfile's
differential tests.

Usage: python3 pip_oracle.py < paths.json > results.json

The input is a JSON list of file paths; the output a JSON list with, for
each file, either the requirements pip builds (name, specifier, url,
markers, extras, editable, hashes, constraint, file, line) and the finder
options, or the error pip raises. Nothing is fetched: pip only reads local
files here.
"""

import json
import re
import sys
import optparse

from pip._internal.cli import cmdoptions
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from pip._internal.req.constructors import install_req_from_parsed_requirement
from pip._internal.index.collector import LinkCollector
from pip._internal.index.package_finder import PackageFinder
from pip._internal.models.search_scope import SearchScope
from pip._internal.models.selection_prefs import SelectionPreferences
from pip._internal.models.format_control import FormatControl

COMES_FROM = re.compile(r"^-([rc]) (.*) \(line (\d+)\)$")


def finder_for(session):
    scope = SearchScope.create(find_links=[], index_urls=["DEFAULT"], no_index=False)
    collector = LinkCollector(session=session, search_scope=scope)
    prefs = SelectionPreferences(allow_yanked=True, format_control=FormatControl(set(), set()))
    return PackageFinder.create(link_collector=collector, selection_prefs=prefs)


def read(path):
    # pip's --use-feature option has a list default shared by every parser
    # in the process: values leak from one file into the next. Reset it.
    cmdoptions.use_new_feature.keywords["default"].clear()
    session = PipSession()
    finder = finder_for(session)
    options = optparse.Values({"require_hashes": False, "features_enabled": []})
    out = {"path": path, "ok": True, "requirements": []}
    try:
        for preq in parse_requirements(path, session, finder=finder, options=options):
            m = COMES_FROM.match(preq.comes_from)
            ireq = install_req_from_parsed_requirement(preq)
            hashes = []
            for algo, digests in (ireq.hash_options or {}).items():
                hashes += [algo + ":" + d for d in digests]
            popts = preq.options or {}
            cs = popts.get("config_settings") or {}
            out["requirements"].append({
                "name": ireq.req.name if ireq.req else None,
                "specifier": str(ireq.req.specifier) if ireq.req else None,
                "url": ireq.link.url if ireq.link else None,
                "markers": str(ireq.markers) if ireq.markers else None,
                "extras": sorted(ireq.extras),
                "editable": ireq.editable,
                "hashes": sorted(hashes),
                "global_options": popts.get("global_options") or [],
                "config_settings": {k: (v if isinstance(v, list) else [v]) for k, v in cs.items()},
                "constraint": preq.constraint,
                "file": m.group(2) if m else None,
                "line": int(m.group(3)) if m else None,
            })
    except BaseException as e:  # pip raises several kinds; SystemExit too
        out["ok"] = False
        out["error"] = type(e).__name__ + ": " + str(e)
    idx = [u for u in finder.index_urls]
    out["options"] = {
        "index_urls": idx,
        "find_links": list(finder.find_links),
        "no_index": finder.search_scope.no_index,
        "no_binary": sorted(finder.format_control.no_binary),
        "only_binary": sorted(finder.format_control.only_binary),
        "pre": finder.allow_all_prereleases,
        "prefer_binary": finder._candidate_prefs.prefer_binary,
        "require_hashes": bool(options.require_hashes),
        "features": list(options.features_enabled),
        "trusted_hosts": [h if p is None else "%s:%s" % (h, p) for h, p in session.pip_trusted_origins],
    }
    return out


def main():
    paths = json.load(sys.stdin)
    json.dump([read(p) for p in paths], sys.stdout, indent=1)


if __name__ == "__main__":
    main()
