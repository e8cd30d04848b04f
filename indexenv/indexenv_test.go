package indexenv

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRead: one row per variable and precedence rule.
func TestRead(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Settings
		err  string
	}{
		{"none", nil, Settings{}, ""},
		{"pip index", map[string]string{"PIP_INDEX_URL": "https://m/simple", "UV_DEFAULT_INDEX": "https://u/simple"},
			Settings{IndexURL: "https://m/simple", IndexURLFrom: "PIP_INDEX_URL"}, ""},
		{"uv default index over UV_INDEX_URL", map[string]string{"UV_DEFAULT_INDEX": "https://u/simple", "UV_INDEX_URL": "https://old/simple"},
			Settings{IndexURL: "https://u/simple", IndexURLFrom: "UV_DEFAULT_INDEX"}, ""},
		{"uv index url", map[string]string{"UV_INDEX_URL": "https://old/simple"},
			Settings{IndexURL: "https://old/simple", IndexURLFrom: "UV_INDEX_URL"}, ""},
		{"extras from all, deduplicated, named uv index", map[string]string{
			"PIP_EXTRA_INDEX_URL": "https://a/simple  https://b/simple",
			"UV_INDEX":            "torch=https://download.pytorch.org/whl/cu128 https://a/simple",
			"UV_EXTRA_INDEX_URL":  "https://c/simple"},
			Settings{ExtraIndexURLs: []Value{
				{"https://a/simple", "PIP_EXTRA_INDEX_URL"}, {"https://b/simple", "PIP_EXTRA_INDEX_URL"},
				{"https://download.pytorch.org/whl/cu128", "UV_INDEX"}, {"https://c/simple", "UV_EXTRA_INDEX_URL"}}}, ""},
		{"query string with = is not a name", map[string]string{"UV_INDEX": "https://a/simple?x=1"},
			Settings{ExtraIndexURLs: []Value{{"https://a/simple?x=1", "UV_INDEX"}}}, ""},
		{"find links", map[string]string{"PIP_FIND_LINKS": "./wheels https://x/links", "UV_FIND_LINKS": "https://y/l, ./more"},
			Settings{FindLinks: []Value{{"./wheels", "PIP_FIND_LINKS"}, {"https://x/links", "PIP_FIND_LINKS"}, {"https://y/l", "UV_FIND_LINKS"}, {"./more", "UV_FIND_LINKS"}}}, ""},
		{"no index yes", map[string]string{"PIP_NO_INDEX": "yes"}, Settings{NoIndex: true, NoIndexFrom: "PIP_NO_INDEX"}, ""},
		{"no index off", map[string]string{"PIP_NO_INDEX": "off", "UV_NO_INDEX": "1"}, Settings{NoIndex: true, NoIndexFrom: "UV_NO_INDEX"}, ""},
		{"no index false", map[string]string{"PIP_NO_INDEX": "0"}, Settings{}, ""},
		{"no index bad", map[string]string{"PIP_NO_INDEX": "maybe"}, Settings{}, "PIP_NO_INDEX=maybe: expected a boolean"},
	}
	for _, tt := range tests {
		got, err := Read(func(k string) string { return tt.env[k] })
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
