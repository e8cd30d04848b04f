package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadErrors feeds malformed, misspelt and wrongly typed user catalogs
// to Load: each error names the file, line, column and key path and says
// what was expected, in TOML terms, with no Go type.
func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"allowed string", "[torch]\nallowed = \"2.8.0\"\n",
			`over.toml:2:11: torch.allowed: expected an array of strings, found a string; write it as an array: ["2.8.0"]`},
		{"allowed number", "[torch]\nallowed = [\"2.8.0\", 2.9]\n",
			`over.toml:2:21: torch.allowed[1]: expected a string, found a float; write it as a string: "2.9"`},
		{"allowed empty", "[torch]\nallowed = []\n",
			`over.toml:2:11: torch.allowed: expected at least one torch version, found none`},
		{"allowed not a version", "[torch]\nallowed = [\"2.8.0\", \"banana\"]\n",
			`over.toml:2:21: torch.allowed[1]: pep440: expected release number at column 1 in "banana"`},
		{"misspelt key", "[torch]\nallowd = [\"2.9.1\"]\n",
			`over.toml:2:1: torch.allowd: unknown key; did you mean "allowed"?`},
		{"misspelt table", "[torchh]\nallowed = [\"2.9.1\"]\n",
			`over.toml:1:1: torchh: unknown key; did you mean "torch"?`},
		{"unknown key far from any", "[python]\ninterpreter = \"3.12\"\n",
			`over.toml:2:1: python.interpreter: unknown key; expected one of date, default, default_source, recommended, source, supported`},
		{"section string", "torch = \"2.8.0\"\n",
			`over.toml:1:9: torch: expected a table, found a string`},
		{"boolean string", "[platform]\nnvcc_at_build = \"false\"\n",
			`over.toml:2:17: platform.nvcc_at_build: expected a boolean, found a string; write it without quotes: false`},
		{"packages inline table", "packages = { name = \"a\" }\n",
			`over.toml:1:12: packages: expected an array of tables, found a table`},
		{"package entry string", "packages = [\"flash-attn\"]\n",
			`over.toml:1:13: packages[0]: expected a table, found a string`},
		{"source field integer", "[[packages]]\nname = \"a\"\nsources = [{ kind = \"pypi\", repo = 1 }]\n",
			`over.toml:3:36: packages[0].sources[0].repo: expected a string, found an integer; write it as a string: "1"`},
		{"package twice", "[[packages]]\nname = \"a\"\n[[packages]]\nname = \"A\"\n",
			`over.toml:4:8: packages[1].name: "A" listed twice`},
		{"spaces requirement", "[spaces]\nrequires = [\"psutil (>=2\"]\n",
			`over.toml:2:13: spaces.requires[0]: pep508: expected ')' at column 12 in "psutil (>=2"`},
		{"sdk rule specifier", "[[sdk_rules]]\ngradio = \"<<5\"\n",
			`over.toml:2:10: sdk_rules[0].gradio: pep440: expected release number at column 2 in "<<5"`},
		{"python supported", "[python]\nsupported = [\"3.12\", \"x.y\"]\n",
			`over.toml:2:22: python.supported[1]: pep440: expected release number at column 1 in "x.y"`},
		{"unclosed header", "[torch\n",
			`over.toml:1:7: expected ']' to close table name (in "[torch")`},
		{"key defined twice", "[torch]\nallowed = [\"2.8.0\"]\nallowed = [\"2.9.1\"]\n",
			`over.toml:3:1: key allowed is already defined (in "allowed = [\"2.9.1\"]")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "over.toml")
			if err := os.WriteFile(p, []byte(tt.data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load(%q): no error, want %s", tt.data, tt.want)
			}
			got := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Load(%q) error (-want +got):\n%s", tt.data, diff)
			}
			for _, s := range []string{"[]", "interface {}", "map[", "struct", "int64", "float64", "strict mode"} {
				if strings.Contains(got, s) {
					t.Errorf("Load(%q) error %q shows Go syntax %q", tt.data, got, s)
				}
			}
		})
	}
}
