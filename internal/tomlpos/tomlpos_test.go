package tomlpos

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pelletier/go-toml/v2"
)

const doc = `# comment
[project]
name = "x"
dependencies = [
  "torch>=2.8",
    'numpy',
]

[tool.uv.sources]
torch = [{ index = "cu128", marker = "sys_platform == 'linux'" }]

[[tool.uv.index]]
name = "cu128"

[[tool.uv.index]]
name = "other"
url = "https://example.invalid"

[tool.ruff.lint.per-file-ignores]
"__init__.py" = ["E402"]
`

func TestBuild(t *testing.T) {
	idx, err := Build([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want Pos
	}{
		{Path("project"), Pos{2, 1}},
		{Path("project", "name"), Pos{3, 8}},
		{Path("project", "dependencies", 0), Pos{5, 3}},
		{Path("project", "dependencies", 1), Pos{6, 5}},
		{Path("tool", "uv", "sources", "torch", 0, "marker"), Pos{10, 38}},
		{Path("tool", "uv", "index", 0, "name"), Pos{13, 8}},
		{Path("tool", "uv", "index", 1, "url"), Pos{17, 7}},
		{Path("tool", "ruff", "lint", "per-file-ignores", "__init__.py", 0), Pos{20, 18}},
		// Fallback to the nearest recorded parent.
		{Path("tool", "uv", "index", 1, "explicit"), Pos{15, 1}},
	}
	for _, tt := range tests {
		got, ok := idx.Lookup(tt.path)
		if !ok {
			t.Errorf("Lookup(%s): not found", tt.path)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Lookup(%s) (-want +got):\n%s", tt.path, diff)
		}
	}
}

func TestDecodeError(t *testing.T) {
	data := []byte("[project]\nname = \"x\"\ndependencies = [\"a\", \n  \"b\" \"c\"]\n")
	var v map[string]any
	err := toml.Unmarshal(data, &v)
	if err == nil {
		t.Fatal("Unmarshal: want an error")
	}
	got := DecodeError("pyproject.toml", data, err).Error()
	if !strings.HasPrefix(got, "pyproject.toml:4:") || !strings.Contains(got, `"  \"b\" \"c\"]"`) {
		t.Errorf("DecodeError = %q, want pyproject.toml:4:... with the offending line", got)
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{"torch": "torch", "a.b": `"a.b"`, "": `""`, "x y": `"x y"`} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNestedArrayTables(t *testing.T) {
	data := "[[packages]]\nname = \"a\"\n\n[[packages]]\nname = \"b\"\n[[packages.wheels]]\nname = \"b1\"\n[[packages.wheels]]\nname = \"b2\"\n[packages.tool]\nx = 1\n\n[[packages]]\nname = \"c\"\n[[packages.wheels]]\nname = \"c1\"\n"
	idx, err := Build([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]Pos{
		"packages[0].name":           {2, 8},
		"packages[1]":                {4, 1},
		"packages[1].wheels[0].name": {7, 8},
		"packages[1].wheels[1].name": {9, 8},
		"packages[1].tool.x":         {11, 5},
		"packages[2].wheels[0].name": {16, 8},
	} {
		got, ok := idx.Lookup(path)
		if !ok || got != want {
			t.Errorf("Lookup(%s) = %v, %v; want %v", path, got, ok, want)
		}
	}
	if _, ok := idx.pos["packages[2].wheels[1]"]; ok {
		t.Errorf("packages[2] inherited the wheels count of packages[1]")
	}
}
