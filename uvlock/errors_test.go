package uvlock

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/tomlpos"
)

// TestTypeErrors feeds malformed and wrongly typed locks to Parse: each
// error names file, line, column and what was expected, in TOML terms.
func TestTypeErrors(t *testing.T) {
	const pkg = "version = 1\n[[package]]\nname = \"a\"\n"
	tests := []struct {
		name, data, want string
	}{
		{"version 3", "version = 3\n",
			`uv.lock:1:11: unsupported uv.lock version 3 (expected 1)`},
		{"version 0", "version = 0\n",
			`uv.lock:1:11: unsupported uv.lock version 0 (expected 1)`},
		{"version string", "version = \"1\"\n",
			`uv.lock:1:11: version: expected an integer, found a string; write it without quotes: 1`},
		{"revision string", "version = 1\nrevision = \"3\"\n",
			`uv.lock:2:12: revision: expected an integer, found a string; write it without quotes: 3`},
		{"requires-python number", "version = 1\nrequires-python = 3.10\n",
			`uv.lock:2:19: requires-python: expected a string, found a float; write it as a string: "3.10"`},
		{"resolution-markers string", "version = 1\nresolution-markers = \"sys_platform == 'linux'\"\n",
			`uv.lock:2:22: resolution-markers: expected an array of strings, found a string; write it as an array: ["sys_platform == 'linux'"]`},
		{"package entry string", "version = 1\npackage = [\"numpy\"]\n",
			`uv.lock:2:12: package[0]: expected a table, found a string`},
		{"package string", "version = 1\npackage = \"numpy\"\n",
			`uv.lock:2:11: package: expected an array of tables, found a string`},
		{"package version integer", pkg + "version = 3\n",
			`uv.lock:4:11: package[0].version: expected a string, found an integer; write it as a string: "3"`},
		{"package name integer", "version = 1\n[[package]]\nname = 1\n",
			`uv.lock:3:8: package[0].name: expected a string, found an integer; write it as a string: "1"`},
		{"package without name", "version = 1\n[[package]]\nversion = \"1\"\n",
			`uv.lock:2:1: package #1: expected a "name"`},
		{"two sources", pkg + "version = \"1\"\nsource = { registry = \"https://pypi.org/simple\", git = \"https://github.com/a/a\" }\n",
			`uv.lock:5:56: package a: expected one source, found both registry and git`},
		{"duplicate package", pkg + "version = \"1\"\nsource = { registry = \"https://pypi.org/simple\" }\n[[package]]\nname = \"A\"\nversion = \"1\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
			`uv.lock:6:1: package A 1 is listed twice (uv writes each name, version and source once; regenerate the lock with uv lock)`},
		{"source string", pkg + "source = \"https://pypi.org/simple\"\n",
			`uv.lock:4:10: package[0].source: expected a table, found a string`},
		{"source registry integer", pkg + "source = { registry = 1 }\n",
			`uv.lock:4:23: package a: source.registry: expected a string, found an integer`},
		{"source subdirectory boolean", pkg + "source = { git = \"https://x.invalid\", subdirectory = true }\n",
			`uv.lock:4:54: package a: source.subdirectory: expected a string, found a boolean`},
		{"source unknown kind", pkg + "source = { bogus = \"x\", other = 1 }\n",
			`uv.lock:4:10: package a: expected a source of kind registry, git, url, path, directory, editable or virtual, found bogus, other`},
		{"dependency string", pkg + "dependencies = [\"numpy\"]\n",
			`uv.lock:4:17: package[0].dependencies[0]: expected a table, found a string`},
		{"dependency without name", pkg + "dependencies = [{ version = \"1\" }]\n",
			`uv.lock:4:17: package a: dependency #1: expected a "name"`},
		{"dependency source", pkg + "dependencies = [{ name = \"b\", source = { git = 1 } }]\n",
			`uv.lock:4:48: package a: dependency b: source.git: expected a string, found an integer`},
		{"optional dependency without name", pkg + "[package.optional-dependencies]\nx = [{ marker = \"os_name == 'nt'\" }]\n",
			`uv.lock:5:6: package a: optional-dependencies: dependency #1: expected a "name"`},
		{"optional dependency name", pkg + "[package.optional-dependencies]\nx = [{ name = 1 }]\n",
			`uv.lock:5:15: package[0].optional-dependencies.x[0].name: expected a string, found an integer; write it as a string: "1"`},
		{"dev dependency extra", pkg + "[package.dev-dependencies]\ndev = [{ name = \"b\", extra = \"x\" }]\n",
			`uv.lock:5:30: package[0].dev-dependencies.dev[0].extra: expected an array of strings, found a string; write it as an array: ["x"]`},
		{"wheel size string", pkg + "wheels = [{ url = \"x\", size = \"12\" }]\n",
			`uv.lock:4:31: package[0].wheels[0].size: expected an integer, found a string; write it without quotes: 12`},
		{"sdist array", pkg + "sdist = [1]\n",
			`uv.lock:4:9: package[0].sdist: expected a table, found an array`},
		{"manifest members string", "version = 1\n[manifest]\nmembers = \"a\"\n",
			`uv.lock:3:11: manifest.members: expected an array of strings, found a string; write it as an array: ["a"]`},
		{"conflicts", "version = 1\nconflicts = [[\"a\"]]\n",
			`uv.lock:2:15: conflicts[0][0]: expected a table, found a string`},
		{"metadata requires-dist", pkg + "[package.metadata]\nrequires-dist = [\"torch\"]\n",
			`uv.lock:5:18: package[0].metadata.requires-dist[0]: expected a table, found a string`},
		// TOML syntax errors keep go-toml's message and the line.
		{"unclosed inline table", "version = 1\n[[package]]\nname = \"a\"\nsource = { registry = \"x\" \n",
			`uv.lock:4:27: inline table is incomplete (in "source = { registry = \"x\" ")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("uv.lock", []byte(tt.data))
			if err == nil {
				t.Fatalf("Parse(%q): no error, want %s", tt.data, tt.want)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("Parse(%q) error (-want +got):\n%s", tt.data, diff)
			}
			if s := tomlpos.GoSyntax(err.Error()); s != "" {
				t.Errorf("Parse(%q) error %q shows Go syntax %q", tt.data, err, s)
			}
		})
	}
}
