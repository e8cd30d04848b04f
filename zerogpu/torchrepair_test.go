package zerogpu

import (
	"strings"
	"testing"

	"github.com/zgpu/zgpu/pep440"
)

func TestNearestTorch(t *testing.T) {
	var allowed []pep440.Version
	for _, s := range []string{"2.13.0", "2.12.1", "2.11.0", "2.10.0", "2.9.1", "2.8.0"} {
		allowed = append(allowed, pep440.MustParse(s))
	}
	for _, tc := range []struct{ spec, want string }{
		{"==2.4.0", "2.8.0 2.9.1 2.10.0 2.11.0 2.12.1 2.13.0"},
		{"==2.10.1", "2.11.0 2.12.1 2.13.0 2.10.0 2.9.1 2.8.0"},
		{"==2.14.0", "2.13.0 2.12.1 2.11.0 2.10.0 2.9.1 2.8.0"},
		{"<2.5", "2.8.0 2.9.1 2.10.0 2.11.0 2.12.1 2.13.0"},
		{">=2.0,<2.5", "2.8.0 2.9.1 2.10.0 2.11.0 2.12.1 2.13.0"},
		{"==2.0.1+cu118", "2.8.0 2.9.1 2.10.0 2.11.0 2.12.1 2.13.0"},
		{"~=2.12.0", "2.12.1 2.13.0 2.11.0 2.10.0 2.9.1 2.8.0"},
	} {
		spec, err := pep440.ParseSpecifiers(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range nearestTorch(append([]pep440.Version(nil), allowed...), spec) {
			got = append(got, v.String())
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("nearestTorch(%s) = %s, want %s", tc.spec, g, tc.want)
		}
	}
}

func TestMinorDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"2.4.0", "2.8.0", 4}, {"2.10.1", "2.11.0", 1}, {"2.14", "2.12.1", 2}, {"1.12.1", "2.8.0", 96}} {
		if got := minorDistance(pep440.MustParse(tc.a), pep440.MustParse(tc.b)); got != tc.want {
			t.Errorf("minorDistance(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
