package index

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFilesOf(t *testing.T) {
	listing := []File{
		{Filename: "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"},
		{Filename: "SHA256SUMS"},
		{Filename: "flash_attn_3-3.0.0-cp39-abi3-linux_x86_64.whl"},
		{Filename: "flash-attn-2.8.3.tar.gz"},
		{Filename: "mamba_ssm-2.2.4-cp312-cp312-linux_x86_64.whl"},
	}
	names := func(fs []File) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Filename)
		}
		return out
	}
	for _, tt := range []struct {
		project string
		want    []string
	}{
		{"Flash.Attn", []string{"flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "flash-attn-2.8.3.tar.gz"}},
		{" flash_attn_3 ", []string{"flash_attn_3-3.0.0-cp39-abi3-linux_x86_64.whl"}},
		{"mamba-ssm", []string{"mamba_ssm-2.2.4-cp312-cp312-linux_x86_64.whl"}},
	} {
		got, err := FilesOf(listing, tt.project, "test")
		if err != nil {
			t.Fatalf("FilesOf(%q): %v", tt.project, err)
		}
		if diff := cmp.Diff(tt.want, names(got)); diff != "" {
			t.Errorf("FilesOf(%q) (-want +got):\n%s", tt.project, diff)
		}
	}
	_, err := FilesOf(listing, "SHA256SUMS", "github.com/o/r")
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Project != "SHA256SUMS" || nf.Source != "github.com/o/r" || !errors.Is(err, ErrNotFound) {
		t.Errorf("FilesOf(SHA256SUMS) error = %v, want a *NotFoundError on github.com/o/r", err)
	}
}
