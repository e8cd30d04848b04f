package lockfile

import (
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
)

func TestFilename(t *testing.T) {
	tests := []struct{ url, path, want string }{
		{"https://download.pytorch.org/whl/cu128/torch-2.8.0%2Bcu128-cp312-cp312-manylinux_2_28_x86_64.whl#sha256=ab", "", "torch-2.8.0+cu128-cp312-cp312-manylinux_2_28_x86_64.whl"},
		{"https://example.invalid/a-1.0.tar.gz?x=1", "", "a-1.0.tar.gz"},
		{"", `wheels\b-1.0-py3-none-any.whl`, "b-1.0-py3-none-any.whl"},
		{"https://example.invalid/a-1.0.tar.gz", "ignored/b-1.0.tar.gz", "a-1.0.tar.gz"},
		{"%zz/c-1.0.zip?x#y", "", "c-1.0.zip"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Filename(tt.url, tt.path); got != tt.want {
			t.Errorf("Filename(%q, %q) = %q, want %q", tt.url, tt.path, got, tt.want)
		}
	}
}

func TestUploadTime(t *testing.T) {
	var doc struct {
		Offset any `toml:"offset"`
		Local  any `toml:"local"`
		Date   any `toml:"date"`
		Text   any `toml:"text"`
		Absent any `toml:"absent"`
	}
	err := toml.Unmarshal([]byte(`
offset = 2025-06-20T17:36:14.618+02:00
local = 2025-06-20T15:36:14
date = 2025-06-20
text = "2025-06-20T15:36:14Z"
`), &doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		v    any
		want string
	}{
		{doc.Offset, "2025-06-20T15:36:14.618Z"},
		{doc.Local, "2025-06-20T15:36:14"},
		{doc.Date, "2025-06-20"},
		{doc.Text, "2025-06-20T15:36:14Z"},
		{doc.Absent, ""},
		{time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), "2025-01-02T03:04:05Z"},
		{int64(7), "7"},
	} {
		if got := UploadTime(tt.v); got != tt.want {
			t.Errorf("UploadTime(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
