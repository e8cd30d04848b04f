package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/pep440"
)

func TestSidecarSpec(t *testing.T) {
	c := Default()
	tests := []struct {
		torch, name string
		want        string // "" when the catalog does not say
		in, out     []string
	}{
		{"2.8.0", "torchvision", "==0.23.0", []string{"0.23.0"}, []string{"0.24.0", "0.23.1"}},
		{"2.10.0", "torchaudio", "==2.10.0", []string{"2.10.0"}, []string{"2.11.0"}},
		{"2.8.0", "torchcodec", "<0.8,>=0.6", []string{"0.6.0", "0.7.0"}, []string{"0.8.0", "0.5.0"}},
		{"2.9.1", "torchcodec", "<0.10,>=0.8", []string{"0.8.0", "0.9.1"}, []string{"0.10.0", "0.7.0"}},
		{"2.10.0", "TorchCodec", "<0.11,>=0.10", []string{"0.10.0"}, []string{"0.11.0", "0.9.0"}},
		{"2.11.0", "torchcodec", ">=0.11", []string{"0.11.0", "0.15.0"}, []string{"0.10.0"}},
		{"2.8.0", "xformers", "<0.0.33,>=0.0.32.post1", []string{"0.0.32.post2"}, []string{"0.0.33", "0.0.31.post1", "0.0.32"}},
		{"2.9.1", "xformers", "<0.0.34,>=0.0.33.post2", []string{"0.0.33.post2"}, []string{"0.0.33.post1", "0.0.34"}},
		{"2.11.0", "xformers", ">=0.0.34", []string{"0.0.34", "0.0.35"}, []string{"0.0.33.post2"}},
		{"2.7.1", "torchcodec", "", nil, nil},
		{"2.8.0", "numpy", "", nil, nil},
	}
	for _, tt := range tests {
		spec, source, ok := c.SidecarSpec(pep440.MustParse(tt.torch), tt.name)
		if tt.want == "" {
			if ok {
				t.Errorf("SidecarSpec(%s, %s) = %q, want none", tt.torch, tt.name, spec)
			}
			continue
		}
		if !ok || spec.String() != tt.want {
			t.Errorf("SidecarSpec(%s, %s) = %q, %v; want %q", tt.torch, tt.name, spec, ok, tt.want)
			continue
		}
		if source == "" {
			t.Errorf("SidecarSpec(%s, %s): no source", tt.torch, tt.name)
		}
		for _, v := range tt.in {
			if !spec.Contains(pep440.MustParse(v), true) {
				t.Errorf("%s for torch %s: %s should be in %s", tt.name, tt.torch, v, spec)
			}
		}
		for _, v := range tt.out {
			if spec.Contains(pep440.MustParse(v), true) {
				t.Errorf("%s for torch %s: %s should not be in %s", tt.name, tt.torch, v, spec)
			}
		}
	}
}

// Every allowed torch has a pairing row for every paired side-car: a new
// allow-list entry without one would leave the side-car unpinned.
func TestPairingsCoverAllowList(t *testing.T) {
	c := Default()
	for _, p := range c.Pairings {
		for _, v := range c.AllowedTorch() {
			if _, _, ok := c.SidecarSpec(v, p.Package); !ok {
				t.Errorf("pairing %s has no row for allowed torch %s", p.Package, v)
			}
		}
	}
}

func TestValidatePairings(t *testing.T) {
	tests := []struct {
		toml, want string
	}{
		{"[[pairings]]\npackage = \"x\"\nrows = [{torch = \"2.8.0\", spec = \">=1\"}]\n", `expected a torch major.minor such as "2.10", found "2.8.0"`},
		{"[[pairings]]\npackage = \"x\"\nrows = [{torch = \"2.8\", spec = \"~=1\"}]\n", `rows[0].spec: pep440`},
		{"[[pairings]]\npackage = \"x\"\nrows = [{torch = \"2.8\", spec = \">=1\"}, {torch = \"2.8\", spec = \"<2\"}]\n", `torch 2.8 listed twice for x`},
		{"[[pairings]]\npackage = \"x\"\n[[pairings]]\npackage = \"X\"\n", `"X" listed twice`},
	}
	for _, tt := range tests {
		_, err := parse([]byte(string(embeddedTOML)+"\n"+tt.toml), "test")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parse(...%q) = %v, want an error containing %q", tt.toml, err, tt.want)
		}
	}
}

// A user's catalog file replaces the pairings; a bad value is reported at
// its line and column in that file.
func TestLoadPairingPosition(t *testing.T) {
	path := filepath.Join(t.TempDir(), "over.toml")
	data := "[[pairings]]\npackage = \"torchcodec\"\nrows = [\n  { torch = \"2.10\", spec = \"~=1\" },\n]\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load: no error")
	}
	want := path + ":4:28: pairings[0].rows[0].spec: "
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Load error = %q, want it to start with %q", err, want)
	}

	good := "[[pairings]]\npackage = \"torchcodec\"\nrows = [{ torch = \"2.10\", spec = \"==0.10.1\" }]\n"
	if err := os.WriteFile(path, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Pairing("xformers"); ok {
		t.Error("the user's pairings should replace the embedded ones")
	}
	if spec, _, ok := c.SidecarSpec(pep440.MustParse("2.10.0"), "torchcodec"); !ok || spec.String() != "==0.10.1" {
		t.Errorf("SidecarSpec = %q, %v; want ==0.10.1", spec, ok)
	}
}
