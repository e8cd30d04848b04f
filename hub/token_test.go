package hub

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestToken: one row per place huggingface_hub looks, in its order.
func TestToken(t *testing.T) {
	home := t.TempDir()
	write := func(rel, s string) string {
		p := filepath.Join(home, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	def := write(".cache/huggingface/token", "hf_default\n")
	custom := write("custom/tok", "  hf_custom  \n")
	hfHome := write("hfhome/token", "hf_home")
	xdg := write("xdg/huggingface/token", "hf_xdg")
	write("empty/token", "\n")
	write("big/token", strings.Repeat("x", maxTokenFile+1))
	tests := []struct {
		name       string
		env        map[string]string
		tok, where string
	}{
		{"env wins", map[string]string{"HF_TOKEN": "hf_env", "HF_TOKEN_PATH": custom}, "hf_env", "HF_TOKEN"},
		{"legacy env", map[string]string{"HUGGING_FACE_HUB_TOKEN": "hf_old"}, "hf_old", "HUGGING_FACE_HUB_TOKEN"},
		{"blank env falls through", map[string]string{"HF_TOKEN": "  "}, "hf_default", def},
		{"HF_TOKEN_PATH", map[string]string{"HF_TOKEN_PATH": custom, "HF_HOME": filepath.Join(home, "hfhome")}, "hf_custom", custom},
		{"HF_TOKEN_PATH with ~", map[string]string{"HF_TOKEN_PATH": "~/custom/tok"}, "hf_custom", custom},
		{"HF_HOME", map[string]string{"HF_HOME": filepath.Join(home, "hfhome")}, "hf_home", hfHome},
		{"XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": filepath.Join(home, "xdg")}, "hf_xdg", xdg},
		{"default", nil, "hf_default", def},
		{"missing file", map[string]string{"HF_TOKEN_PATH": filepath.Join(home, "none")}, "", ""},
		{"empty file", map[string]string{"HF_HOME": filepath.Join(home, "empty")}, "", ""},
		{"file too large", map[string]string{"HF_HOME": filepath.Join(home, "big")}, "", ""},
	}
	for _, tt := range tests {
		env := map[string]string{"HOME": home}
		for k, v := range tt.env {
			env[k] = v
		}
		tok, where := Token(func(k string) string { return env[k] })
		if tok != tt.tok || where != tt.where {
			t.Errorf("%s: Token = %q from %q, want %q from %q", tt.name, tok, where, tt.tok, tt.where)
		}
	}
}
