package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/wheeltags"
)

func TestDefaultParses(t *testing.T) {
	c := Default()
	var got []string
	for _, v := range c.AllowedTorch() {
		got = append(got, v.String())
	}
	if diff := cmp.Diff([]string{"2.13.0", "2.12.1", "2.11.0", "2.10.0", "2.9.1", "2.8.0"}, got); diff != "" {
		t.Errorf("AllowedTorch (-want +got):\n%s", diff)
	}
	if c.Platform.GPUArch != "sm120" || c.Platform.GlibcVersion() != [2]int{2, 36} {
		t.Errorf("platform = %+v", c.Platform)
	}
	for _, p := range c.Packages {
		if p.Source == "" || p.Date == "" {
			t.Errorf("package %s has no source or date", p.Name)
		}
	}
}

func TestTorchAllowed(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"2.8.0", true}, {"2.8.0+cu128", true}, {"2.9.1", true}, {"2.9.0", false},
		{"2.6.0", false}, {"2.11.0", true}, {"2.12.1", true}, {"2.12.0", false},
		{"2.13.0", true}, {"2.13.0+cu130", true}, {"2.14.0", false},
	} {
		if got := c.TorchAllowed(pep440.MustParse(tc.v)); got != tc.want {
			t.Errorf("TorchAllowed(%s) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestFamily(t *testing.T) {
	c := Default()
	for _, tc := range []struct{ torch, sidecar, want string }{
		{"2.8.0", "torchvision", "0.23.0"},
		{"2.8.0", "torchaudio", "2.8.0"},
		{"2.9.1", "torchvision", "0.24.1"},
		{"2.10.0", "triton", "3.6.0"},
		{"2.11.0", "torchaudio", "2.11.0"},
		{"2.12.1", "torchvision", "0.27.1"},
		{"2.12.1", "torchaudio", "2.11.0"}, // stable ABI: no torchaudio 2.12
		{"2.13.0", "torchvision", "0.28.0"},
		{"2.13.0", "torchaudio", "2.11.0"},
		{"2.13.0", "triton", "3.7.1"},
		{"2.10.0", "torchaudio", "2.10.0"}, // still the matching minor
		{"2.11.0", "Torch_Vision", ""},     // not a side-car name
		{"1.13.1", "torchvision", ""},      // not in the matrix
	} {
		if got := c.SidecarVersion(pep440.MustParse(tc.torch), tc.sidecar); got != tc.want {
			t.Errorf("SidecarVersion(%s, %s) = %q, want %q", tc.torch, tc.sidecar, got, tc.want)
		}
	}
	r, _ := c.FamilyOf(pep440.MustParse("2.11.0"))
	if maj, min := r.CUDA(); maj != 13 || min != 0 {
		t.Errorf("torch 2.11 CUDA = %d.%d, want 13.0", maj, min)
	}
	r, _ = c.FamilyOf(pep440.MustParse("2.8.0"))
	if maj, min := r.CUDA(); maj != 12 || min != 8 {
		t.Errorf("torch 2.8 CUDA = %d.%d, want 12.8", maj, min)
	}
	for _, tc := range []struct {
		abi  string
		want cudalabel.ABI
	}{{"TRUE", cudalabel.ABITrue}, {"FALSE", cudalabel.ABIFalse}, {"", cudalabel.ABIUnknown}} {
		if got := (FamilyRow{CXX11ABI: tc.abi}).ABI(); got != tc.want {
			t.Errorf("FamilyRow{CXX11ABI: %q}.ABI() = %v, want %v", tc.abi, got, tc.want)
		}
	}
	if r, _ := c.FamilyOf(pep440.MustParse("2.8.0")); r.ABI() != cudalabel.ABITrue {
		t.Errorf("torch 2.8 ABI = %v, want cxx11", r.ABI())
	}
}

func TestRegistry(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name     string
		prebuilt bool
	}{
		{"flash_attn", true}, {"Flash-Attn", true}, {"mamba-ssm", true}, {"causal_conv1d", true},
		{"torch-sparse", true}, {"xformers", false}, {"bitsandbytes", false},
	} {
		p, ok := c.Package(tc.name)
		if !ok {
			t.Errorf("Package(%q) not found", tc.name)
			continue
		}
		if p.NeedsPrebuiltWheel() != tc.prebuilt {
			t.Errorf("%s: NeedsPrebuiltWheel = %v, want %v", tc.name, p.NeedsPrebuiltWheel(), tc.prebuilt)
		}
	}
	if _, ok := c.Package("numpy"); ok {
		t.Errorf("numpy should not be in the CUDA registry")
	}
	if p, ok := c.PreinstalledPackage("Spaces"); !ok || p.Emit != "never" {
		t.Errorf("spaces preinstalled rule = %+v, %v", p, ok)
	}
}

func TestSnapshotWheelsParse(t *testing.T) {
	c := Default()
	if len(c.Snapshot) < 100 {
		t.Fatalf("snapshot has %d wheels, want the generated set", len(c.Snapshot))
	}
	for _, w := range c.Snapshot {
		if _, err := wheeltags.ParseWheelFilename(w.Filename); err != nil {
			t.Errorf("snapshot %s: %v", w.Filename, err)
		}
		if !strings.HasPrefix(w.URL, "https://") {
			t.Errorf("snapshot %s: url %q", w.Filename, w.URL)
		}
	}
	if len(c.SnapshotFor("flash_attn")) == 0 {
		t.Errorf("no flash-attn wheels in the snapshot")
	}
}

func TestPythonFull(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{{"3.12", "3.12.12", true}, {"3.10", "3.10.13", true}, {"3.10.13", "3.10.13", true}, {"3.11", "", false}, {"3.1", "", false}} {
		got, ok := c.PythonFull(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("PythonFull(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestLoadOverride(t *testing.T) {
	p := filepath.Join(t.TempDir(), "over.toml")
	os.WriteFile(p, []byte("[torch]\nallowed = [\"2.9.1\", \"2.12.0\"]\npreinstalled = \"2.12.0\"\n"), 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if !c.TorchAllowed(pep440.MustParse("2.12.0")) || c.TorchAllowed(pep440.MustParse("2.8.0")) {
		t.Errorf("override not applied: %v", c.Torch.Allowed)
	}
	if c.Platform.GPUArch != "sm120" {
		t.Errorf("sections not overridden must stay: %+v", c.Platform)
	}
	if c.Origin != p {
		t.Errorf("Origin = %q", c.Origin)
	}

	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("[torch]\nallowed = [\"2.9.1\"\n"), 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "bad.toml:") {
		t.Errorf("Load(bad) error = %v, want file:line", err)
	}
	unk := filepath.Join(t.TempDir(), "unk.toml")
	os.WriteFile(unk, []byte("[torch]\nallowd = [\"2.9.1\"]\n"), 0o644)
	if _, err := Load(unk); err == nil {
		t.Errorf("Load with a misspelt key should fail")
	}
}

func TestLoadMergesTables(t *testing.T) {
	p := filepath.Join(t.TempDir(), "over.toml")
	os.WriteFile(p, []byte("[torch]\nallowed = [\"2.9.1\"]\n"), 0o644)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Torch.Sidecars) == 0 || c.Torch.Preinstalled != "2.13.0" {
		t.Errorf("keys absent from the override must stay: %+v", c.Torch)
	}
}

func TestSDKRules(t *testing.T) {
	c := Default()
	if got := c.SDKRulesFor("4.44.1"); len(got) != 1 || len(got[0].Constraints) == 0 {
		t.Errorf("SDKRulesFor(4.44.1) = %+v, want the gradio<5 rule", got)
	}
	if got := c.SDKRulesFor("5.49.1"); len(got) != 0 {
		t.Errorf("SDKRulesFor(5.49.1) = %+v, want none", got)
	}
	if got := c.SDKRulesFor("not a version"); len(got) != 0 {
		t.Errorf("SDKRulesFor(bad) = %+v, want none", got)
	}
}
