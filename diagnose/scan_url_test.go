package diagnose

import "testing"

func TestURLProject(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"git+https://github.com/facebookresearch/pytorch3d.git", "pytorch3d"},
		{"git+https://github.com/NVlabs/nvdiffrast.git@v0.3.3", "nvdiffrast"},
		{"git+https://github.com/o/repo.git#egg=Diff_Gaussian_Rasterization", "diff-gaussian-rasterization"},
		{"git+https://github.com/o/repo@main#subdirectory=pkg", "repo"},
		{"https://example.org/files/pkg-1.0.tar.gz", ""},
	} {
		if got := urlProject(tc.in); got != tc.want {
			t.Errorf("urlProject(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
