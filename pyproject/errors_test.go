package pyproject

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/internal/tomlpos"
)

// TestTypeErrors feeds values of the wrong type to every part of
// pyproject.toml zgpu reads: each error names the file, line, column and key
// path, says what TOML type was expected and found, and shows no Go type.
func TestTypeErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"dependencies string", "[project]\nname = \"x\"\nversion = \"1\"\n\ndependencies = \"torch\"\n",
			`pyproject.toml:5:16: project.dependencies: expected an array of strings, found a string; write it as an array: ["torch"]`},
		{"requires-python number", "[project]\nrequires-python = 3.10\n",
			`pyproject.toml:2:19: project.requires-python: expected a string, found a float; write it as a string: "3.10"`},
		{"name integer", "[project]\nname = 1\n",
			`pyproject.toml:2:8: project.name: expected a string, found an integer; write it as a string: "1"`},
		{"name array", "[project]\nname = [\"a\"]\n",
			`pyproject.toml:2:8: project.name: expected a string, found an array`},
		{"name date", "[project]\nname = 1979-05-27\n",
			`pyproject.toml:2:8: project.name: expected a string, found a local date; write it as a string: "1979-05-27"`},
		{"version boolean", "[project]\nversion = true\n",
			`pyproject.toml:2:11: project.version: expected a string, found a boolean; write it as a string: "true"`},
		{"dependency integer", "[project]\ndependencies = [\n  \"a\",\n  1,\n]\n",
			`pyproject.toml:4:3: project.dependencies[1]: expected a string, found an integer; write it as a string: "1"`},
		{"dynamic string", "[project]\ndynamic = \"version\"\n",
			`pyproject.toml:2:11: project.dynamic: expected an array of strings, found a string; write it as an array: ["version"]`},
		{"optional-dependencies array", "[project]\noptional-dependencies = [\"a\"]\n",
			`pyproject.toml:2:25: project.optional-dependencies: expected a table, found an array`},
		{"extra string", "[project.optional-dependencies]\nvideo = \"av\"\n",
			`pyproject.toml:2:9: project.optional-dependencies.video: expected an array of strings, found a string; write it as an array: ["av"]`},
		{"project integer", "project = 3\n",
			`pyproject.toml:1:11: project: expected a table, found an integer`},
		{"group string", "[dependency-groups]\ndev = \"pytest\"\n",
			`pyproject.toml:2:7: dependency-groups.dev: expected an array, found a string; write it as an array: ["pytest"]`},
		{"group entry integer", "[dependency-groups]\ndev = [1]\n",
			`pyproject.toml:2:8: dependency-groups.dev[0]: expected a requirement string or {include-group = "..."}, found an integer`},
		{"tool.uv integer", "[tool]\nuv = 1\n",
			`pyproject.toml:2:6: tool.uv: expected a table, found an integer`},
		{"index inline table", "[tool.uv]\nindex = { url = \"https://x.invalid\" }\n",
			`pyproject.toml:2:9: tool.uv.index: expected an array of tables, found a table`},
		{"index url integer", "[[tool.uv.index]]\nname = \"x\"\nurl = 1\n",
			`pyproject.toml:3:7: tool.uv.index[0].url: expected a string, found an integer; write it as a string: "1"`},
		{"index explicit string", "[[tool.uv.index]]\nurl = \"https://x.invalid\"\nexplicit = \"true\"\n",
			`pyproject.toml:3:12: tool.uv.index[0].explicit: expected a boolean, found a string; write it without quotes: true`},
		{"index-url array", "[tool.uv]\nindex-url = [\"https://x.invalid\"]\n",
			`pyproject.toml:2:13: tool.uv.index-url: expected a string, found an array`},
		{"dev-dependencies string", "[tool.uv]\ndev-dependencies = \"black\"\n",
			`pyproject.toml:2:20: tool.uv.dev-dependencies: expected an array of strings, found a string; write it as an array: ["black"]`},
		{"default-groups integer", "[tool.uv]\ndefault-groups = [\"dev\", 2]\n",
			`pyproject.toml:2:26: tool.uv.default-groups[1]: expected a group name (a string), found an integer`},
		{"default-groups table", "[tool.uv]\ndefault-groups = { dev = true }\n",
			`pyproject.toml:2:18: tool.uv.default-groups: expected an array of group names or "all", found a table`},
		{"build dependency integer", "[tool.uv.extra-build-dependencies]\nflash-attn = [1]\n",
			`pyproject.toml:2:15: tool.uv.extra-build-dependencies.flash-attn[0]: expected a requirement string or table, found an integer`},
		{"build dependency match-runtime", "[tool.uv.extra-build-dependencies]\nflash-attn = [{ requirement = \"torch\", match-runtime = \"yes\" }]\n",
			`pyproject.toml:2:56: tool.uv.extra-build-dependencies.flash-attn[0].match-runtime: expected a boolean, found a string`},
		{"source integer", "[tool.uv.sources]\ntorch = 1\n",
			`pyproject.toml:2:9: tool.uv.sources.torch: expected a source table or an array of them, found an integer`},
		{"source list entry string", "[tool.uv.sources]\ntorch = [\"cu128\"]\n",
			`pyproject.toml:2:10: tool.uv.sources.torch[0]: expected a source table, found a string`},
		{"source index integer", "[tool.uv.sources]\ntorch = { index = 1 }\n",
			`pyproject.toml:2:19: tool.uv.sources.torch.index: expected a string, found an integer; write it as a string: "1"`},
		{"source editable string", "[tool.uv.sources]\nlib = { path = \"lib\", editable = \"yes\" }\n",
			`pyproject.toml:2:34: tool.uv.sources.lib.editable: expected a boolean, found a string`},
		{"poetry dependencies integer", "[tool.poetry]\ndependencies = 1\n",
			`pyproject.toml:2:16: tool.poetry.dependencies: expected a table, found an integer`},
		{"poetry dependency integer", "[tool.poetry.dependencies]\ntorch = 2\n",
			`pyproject.toml:2:9: tool.poetry.dependencies.torch: expected a constraint string or a table, found an integer`},
		{"poetry version integer", "[tool.poetry.dependencies]\ntorch = { version = 2 }\n",
			`pyproject.toml:2:21: tool.poetry.dependencies.torch.version: expected a string, found an integer; write it as a string: "2"`},
		{"poetry extras string", "[tool.poetry.dependencies]\ntorch = { version = \"^2\", extras = \"cuda\" }\n",
			`pyproject.toml:2:36: tool.poetry.dependencies.torch.extras: expected an array of strings, found a string; write it as an array: ["cuda"]`},
		{"poetry python number", "[tool.poetry.dependencies]\npython = 3.10\n",
			`pyproject.toml:2:10: tool.poetry.dependencies.python: expected a constraint string, found a float`},
		{"poetry group dependencies array", "[tool.poetry.group.dev]\ndependencies = [\"pytest\"]\n",
			`pyproject.toml:2:16: tool.poetry.group.dev.dependencies: expected a table, found an array`},
		{"poetry source entry", "[tool.poetry]\nsource = [1]\n",
			`pyproject.toml:2:11: tool.poetry.source[0]: expected a table, found an integer`},
		{"poetry extras table", "[tool.poetry.extras]\nvideo = \"av\"\n",
			`pyproject.toml:2:9: tool.poetry.extras.video: expected an array of strings, found a string; write it as an array: ["av"]`},
		// Errors of TOML syntax keep go-toml's message and the line.
		{"unclosed header", "[project\n",
			`pyproject.toml:1:9: expected ']' to close table name (in "[project")`},
		{"key defined twice", "[project]\nname = \"a\"\nname = \"b\"\n",
			`pyproject.toml:3:1: key name is already defined (in "name = \"b\"")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("pyproject.toml", []byte(tt.data))
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
