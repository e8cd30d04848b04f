package uvlock

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/pep440"
)

func TestCompareRequirements(t *testing.T) {
	req := func(scope, name, extras, spec string, direct bool) scopedReq {
		return scopedReq{scope: scope, name: name, extras: extras, spec: spec, direct: direct}
	}
	tests := []struct {
		name     string
		py, lock []scopedReq
		want     []string
	}{
		{"same", []scopedReq{req("dependencies", "numpy", "", ">=2", false)}, []scopedReq{req("dependencies", "numpy", "", ">=2", false)}, nil},
		{
			"one per source marker in the lock",
			[]scopedReq{req("dependencies", "torch", "", "==2.6.0", false)},
			[]scopedReq{req("dependencies", "torch", "", "==2.6.0", false), req("dependencies", "torch", "", "==2.6.0", false)},
			nil,
		},
		{
			"changed and added",
			[]scopedReq{req("dependencies", "numpy", "", "<2", false), req("dependencies", "torch", "", "", false)},
			[]scopedReq{req("dependencies", "numpy", "", "", false)},
			[]string{"dependencies: pyproject.toml has numpy<2, torch; uv.lock has numpy"},
		},
		{
			"a direct source is compared by name",
			[]scopedReq{req("dependencies", "kernels", "", ">=0.4", true)},
			[]scopedReq{req("dependencies", "kernels", "", "", true)},
			nil,
		},
		{
			"extras and groups are scopes",
			[]scopedReq{req("optional-dependencies.gpu", "einops", "[x]", "", false)},
			[]scopedReq{req("optional-dependencies.gpu", "einops", "", "", false), req("dependency-groups.dev", "pytest", "", "", false)},
			[]string{"dependency-groups.dev: only uv.lock has pytest", "optional-dependencies.gpu: pyproject.toml has einops[x]; uv.lock has einops"},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, compareRequirements(tt.py, tt.lock)); diff != "" {
			t.Errorf("%s: compareRequirements (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestSpecKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{">=0.8", ">=0.8.0"},
		{"<2,>=1.0", ">=1 , <2.0.0"},
		{"==2.8.*", "==2.8.*"},
		{">=1.0rc1", ">=1.0.0-rc.1"},
	}
	for _, tt := range tests {
		if a, b := specKey(pep440.MustParseSpecifiers(tt.a)), specKey(pep440.MustParseSpecifiers(tt.b)); a != b {
			t.Errorf("specKey(%q) = %q, specKey(%q) = %q; want equal", tt.a, a, tt.b, b)
		}
	}
	for _, pair := range [][2]string{{"~=1.0", "~=1.0.0"}, {">=1", ">1"}, {"==2.8", "==2.8.1"}} {
		if a, b := specKey(pep440.MustParseSpecifiers(pair[0])), specKey(pep440.MustParseSpecifiers(pair[1])); a == b {
			t.Errorf("specKey(%q) = specKey(%q) = %q; want different", pair[0], pair[1], a)
		}
	}
}
