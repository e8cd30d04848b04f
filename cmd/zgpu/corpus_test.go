package main

import (
	"os"
	"strings"
)

// pipReadsScript reads each file named on stdin (lines of "file<TAB>dir")
// with pip's own requirements parser, run from dir as the Space builder runs
// pip from the Space root, and prints {"file": error-or-""} as JSON.
const pipReadsScript = `
import json, sys
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements
from pip._internal.req.constructors import install_req_from_parsed_requirement
out = {}
import os
for line in sys.stdin.read().splitlines():
    path, cwd = line.split("\t")
    os.chdir(cwd)
    try:
        for pr in parse_requirements(path, session=PipSession()):
            install_req_from_parsed_requirement(pr)
        out[path] = ""
    except BaseException as e:
        out[path] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out))
`

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func firstLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "zgpu:") && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return lines[0]
}
