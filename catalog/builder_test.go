package catalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuilderInstall(t *testing.T) {
	c := Default()
	var got []string
	reqs, err := c.BuilderInstall("5.49.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		got = append(got, r.String())
	}
	want := []string{"torch<=2.13.0", "gradio[mcp,oauth]==5.49.1", "uvicorn>=0.14.0", "websockets>=10.4", "spaces==0.51.3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BuilderInstall(5.49.1) (-want +got):\n%s", diff)
	}
	reqs, err = c.BuilderInstall("")
	if err != nil || len(reqs) != 5 || reqs[1].Name != "gradio" || reqs[1].Specifiers.String() != "" {
		t.Errorf("BuilderInstall(\"\") = %v, %v; want gradio without a version", reqs, err)
	}
	if tr, ok := c.BuilderTorch(); !ok || tr.Specifiers.String() != "<=2.13.0" {
		t.Errorf("BuilderTorch = %v, %v", tr, ok)
	}
	if c.Builder.Source == "" || c.Builder.Date == "" || !strings.Contains(c.Builder.Command, "-r requirements.txt") {
		t.Errorf("builder without source, date or command: %+v", c.Builder)
	}
	// The torch an unpinned Space gets is the newest allowed under the builder's cap.
	if tr, _ := c.BuilderTorch(); !tr.Specifiers.Contains(c.AllowedTorch()[0], true) || c.AllowedTorch()[0].String() != c.Torch.Preinstalled {
		t.Errorf("preinstalled %s is not the newest allowed torch under %s", c.Torch.Preinstalled, tr)
	}
}

// TestExtensionRunsOn is the extension ABI break at torch 2.13, one row per
// (built, target) pair that matters.
func TestExtensionRunsOn(t *testing.T) {
	c := Default()
	tests := []struct {
		built, target [2]int
		want          bool
	}{
		{[2]int{2, 8}, [2]int{2, 8}, true},
		{[2]int{2, 8}, [2]int{2, 9}, false},
		{[2]int{2, 9}, [2]int{2, 10}, false},
		{[2]int{2, 10}, [2]int{2, 10}, true},
		{[2]int{2, 11}, [2]int{2, 10}, false},
		{[2]int{2, 10}, [2]int{2, 11}, true},
		{[2]int{2, 10}, [2]int{2, 12}, true},
		{[2]int{2, 12}, [2]int{2, 11}, true},
		{[2]int{2, 11}, [2]int{2, 12}, true},
		{[2]int{2, 12}, [2]int{2, 13}, false}, // the break
		{[2]int{2, 10}, [2]int{2, 13}, false},
		{[2]int{2, 11}, [2]int{2, 13}, false},
		{[2]int{2, 13}, [2]int{2, 13}, true},
		{[2]int{2, 13}, [2]int{2, 12}, false},
	}
	for _, tt := range tests {
		if got := c.ExtensionRunsOn(tt.built, tt.target); got != tt.want {
			t.Errorf("ExtensionRunsOn(%v, %v) = %v, want %v", tt.built, tt.target, got, tt.want)
		}
	}
	for _, r := range c.ExtensionABI {
		if r.Source == "" || r.Date == "" {
			t.Errorf("extension_abi row %+v has no source or date", r)
		}
	}
}

// TestEveryFactDated checks that every section with facts names its source
// and date.
func TestEveryFactDated(t *testing.T) {
	c := Default()
	facts := map[string][2]string{
		"python":      {c.Python.Source, c.Python.Date},
		"torch":       {c.Torch.Source, c.Torch.Date},
		"spaces":      {c.Spaces.Source, c.Spaces.Date},
		"builder":     {c.Builder.Source, c.Builder.Date},
		"platform":    {c.Platform.GPUSource, c.Platform.Date},
		"blackwell":   {c.Blackwell.Source, c.Blackwell.Date},
		"gpu kernels": {c.GPUKernels.Source, c.GPUKernels.Date},
	}
	for _, p := range c.Pairings {
		facts["pairing "+p.Package] = [2]string{p.Source, p.Date}
	}
	for _, p := range c.Preinstalled {
		facts["preinstalled "+p.Name] = [2]string{p.Source, p.Date}
	}
	for _, r := range c.SDKRules {
		facts["sdk rule "+r.Gradio] = [2]string{r.Source, r.Date}
	}
	for name, f := range facts {
		if f[0] == "" || f[1] == "" {
			t.Errorf("%s: source %q, date %q", name, f[0], f[1])
		}
	}
}
