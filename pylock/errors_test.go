package pylock

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/tomlpos"
)

// TestTypeErrors feeds malformed and wrongly typed lock files to Parse:
// each error names file, line, column and what was expected, in TOML terms.
func TestTypeErrors(t *testing.T) {
	const head = "lock-version = \"1.0\"\ncreated-by = \"x\"\n"
	const pkg = head + "[[packages]]\nname = \"a\"\n"
	tests := []struct {
		name, data, want string
	}{
		{"lock-version number", "lock-version = 1.0\ncreated-by = \"x\"\n",
			`pylock.toml:1:16: lock-version: expected a string, found a float; write it as a string: "1.0"`},
		{"created-by integer", "lock-version = \"1.0\"\ncreated-by = 3\n",
			`pylock.toml:2:14: created-by: expected a string, found an integer; write it as a string: "3"`},
		{"environments string", head + "environments = \"sys_platform == 'linux'\"\n",
			`pylock.toml:3:16: environments: expected an array of strings, found a string; write it as an array: ["sys_platform == 'linux'"]`},
		{"extras integer", head + "extras = [\"a\", 2]\n",
			`pylock.toml:3:16: extras[1]: expected a string, found an integer; write it as a string: "2"`},
		{"package entry string", head + "packages = [\"numpy\"]\n",
			`pylock.toml:3:13: packages[0]: expected a table, found a string`},
		{"packages table inline", head + "packages = { name = \"a\" }\n",
			`pylock.toml:3:12: packages: expected an array of tables, found a table`},
		{"package version integer", pkg + "version = 1\ndirectory = { path = \".\" }\n",
			`pylock.toml:5:11: packages[0].version: expected a string, found an integer; write it as a string: "1"`},
		{"package without name", head + "[[packages]]\nversion = \"1\"\n",
			`pylock.toml:3:1: package #1: expected a "name"`},
		{"wheels table", pkg + "wheels = { name = \"a.whl\" }\n",
			`pylock.toml:5:10: packages[0].wheels: expected an array of tables, found a table`},
		{"wheel hash integer", pkg + "wheels = [{ name = \"a.whl\", hashes = { sha256 = 1 } }]\n",
			`pylock.toml:5:49: packages[0].wheels[0].hashes.sha256: expected a string, found an integer; write it as a string: "1"`},
		{"wheel size string", pkg + "wheels = [{ name = \"a.whl\", size = \"1\" }]\n",
			`pylock.toml:5:36: packages[0].wheels[0].size: expected an integer, found a string; write it without quotes: 1`},
		{"directory editable string", pkg + "directory = { path = \".\", editable = \"yes\" }\n",
			`pylock.toml:5:38: packages[0].directory.editable: expected a boolean, found a string`},
		{"archive size float", pkg + "archive = { url = \"x\", size = 1.5 }\n",
			`pylock.toml:5:31: packages[0].archive.size: expected an integer, found a float`},
		{"dependency string", pkg + "dependencies = [\"b\"]\ndirectory = { path = \".\" }\n",
			`pylock.toml:5:17: packages[0].dependencies[0]: expected a table, found a string`},
		{"vcs string", pkg + "vcs = \"git\"\n",
			`pylock.toml:5:7: packages[0].vcs: expected a table, found a string`},
		{"sdist header array", pkg + "[[packages.sdist]]\nname = \"a.tar.gz\"\n",
			`pylock.toml:5:1: packages[0].sdist: expected a table, found an array`},
		{"unsupported version", "lock-version = \"2.0\"\ncreated-by = \"x\"\n",
			`pylock.toml:1:16: unsupported lock-version "2.0" (expected 1.x)`},
		{"duplicate key", head + "created-by = \"y\"\n",
			`pylock.toml:3:1: key created-by is already defined (in "created-by = \"y\"")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("pylock.toml", []byte(tt.data))
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
