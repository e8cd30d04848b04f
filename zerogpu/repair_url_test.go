package zerogpu

import "testing"

func TestPublicURL(t *testing.T) {
	const hub = "http://127.0.0.1:4567"
	for _, tc := range []struct{ raw, hub, gh, want string }{
		{hub + "/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl", hub, "",
			"https://huggingface.co/datasets/multimodalart/zerogpu-blackwell-wheels/resolve/main/wheels/pt28-cu128-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"},
		{hub + "/datasets/a/b/resolve/main/x.whl", hub + "/", "", "https://huggingface.co/datasets/a/b/resolve/main/x.whl"},
		// Not a resolve URL, another host, the public Hub: as they are.
		{hub + "/api/datasets/a/b/tree/main", hub, "", hub + "/api/datasets/a/b/tree/main"},
		{"https://example.com/resolve/x.whl", hub, "", "https://example.com/resolve/x.whl"},
		{"https://huggingface.co/a/b/resolve/main/x.whl", "", "", "https://huggingface.co/a/b/resolve/main/x.whl"},
		{hub + "0/a/b/resolve/main/x.whl", hub, "", hub + "0/a/b/resolve/main/x.whl"},
		// A GitHub API mirror that serves downloads under its own host.
		{"http://127.0.0.1:9999/Dao-AILab/flash-attention/releases/download/v2.8.3/f.whl", "", "http://127.0.0.1:9999",
			"https://github.com/Dao-AILab/flash-attention/releases/download/v2.8.3/f.whl"},
		{"http://127.0.0.1:9999/dl/Dao-AILab/flash-attention/releases/download/v2.8.3/f.whl", "", "http://127.0.0.1:9999/api/v3",
			"https://github.com/Dao-AILab/flash-attention/releases/download/v2.8.3/f.whl"},
		{"https://github.com/o/r/releases/download/v1/f.whl", "", "https://api.github.com", "https://github.com/o/r/releases/download/v1/f.whl"},
		{"http://127.0.0.1:9999/o/r/archive/f.whl", "", "http://127.0.0.1:9999", "http://127.0.0.1:9999/o/r/archive/f.whl"},
	} {
		if got := PublicURL(tc.raw, tc.hub, tc.gh); got != tc.want {
			t.Errorf("PublicURL(%q, %q, %q) = %q, want %q", tc.raw, tc.hub, tc.gh, got, tc.want)
		}
	}
}
