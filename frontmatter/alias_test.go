package frontmatter

import (
	"strings"
	"testing"
)

// Aliases and merge keys are read as huggingface_hub's YAML loader reads
// them; a python_version given through either is the Space's.
func TestAliasesAndMergeKeys(t *testing.T) {
	tests := []struct {
		name, yaml      string
		python, sdkVers string
	}{
		{"alias", "x-py: &py \"3.12\"\npython_version: *py\nsdk: gradio\n", "3.12", ""},
		{"merge", "defaults: &d\n  python_version: \"3.12\"\n  sdk_version: 5.49.1\n<<: *d\nsdk: gradio\n", "3.12", "5.49.1"},
		{"own key wins", "defaults: &d\n  python_version: \"3.12\"\n<<: *d\npython_version: \"3.11\"\n", "3.11", ""},
		{"own key wins when before", "defaults: &d\n  python_version: \"3.12\"\npython_version: \"3.11\"\n<<: *d\n", "3.11", ""},
		{"merge list, first wins", "a: &a\n  python_version: \"3.12\"\nb: &b\n  python_version: \"3.10\"\n  sdk_version: 4.44.1\n<<: [*a, *b]\n", "3.12", "4.44.1"},
	}
	for _, tt := range tests {
		f, err := Parse("README.md", []byte("---\n"+tt.yaml+"---\n"))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if f.PythonVersion != tt.python || f.SDKVersion != tt.sdkVers {
			t.Errorf("%s: python_version %q sdk_version %q, want %q %q", tt.name, f.PythonVersion, f.SDKVersion, tt.python, tt.sdkVers)
		}
		if fl, _ := f.Get("python_version"); fl.Value != tt.python {
			t.Errorf("%s: Get(python_version) = %q, want %q", tt.name, fl.Value, tt.python)
		}
	}
}

func TestWrongTypedVersions(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"python_version: [3.10, 3.11]\n", `README.md:2:1: python_version: expected a version such as "3.10", found a sequence`},
		{"python_version:\n  major: 3\n", `README.md:2:1: python_version: expected a version such as "3.10", found a mapping`},
		{"sdk_version: true\n", `README.md:2:1: sdk_version: expected a version such as "5.49.1", found the boolean true`},
		{"<<: 3\n", `README.md:2:1: merge key "<<": expected a mapping or a list of mappings, found a scalar`},
	}
	for _, tt := range tests {
		_, err := Parse("README.md", []byte("---\n"+tt.yaml+"---\n"))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: err = %v, want %s", tt.yaml, err, tt.want)
		}
	}
}

// A YAML block nested a million levels deep is an error, not a crash.
func TestDeepNesting(t *testing.T) {
	deep := "x: " + strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000) + "\n"
	_, err := Parse("README.md", []byte("---\n"+deep+"---\n"))
	if err == nil || !strings.Contains(err.Error(), "max depth") {
		t.Errorf("err = %.300v", err)
	}
	if err != nil && len(err.Error()) > 1000 {
		t.Errorf("error is %d bytes long", len(err.Error()))
	}
}
