package hub

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxTokenFile bounds what Token reads from a token file; a Hub token is
// under a hundred bytes.
const maxTokenFile = 4 << 10

// Token returns the Hugging Face token the way huggingface_hub finds it:
// the HF_TOKEN variable, else the deprecated HUGGING_FACE_HUB_TOKEN, else
// the file `hf auth login` writes: $HF_TOKEN_PATH, default $HF_HOME/token,
// where HF_HOME defaults to $XDG_CACHE_HOME/huggingface and then
// ~/.cache/huggingface. Surrounding white space is removed; a file that is
// missing, unreadable, empty or too large gives no token. origin names
// where the token came from ("HF_TOKEN", or the file's path) and never
// holds the token itself; both are "" when there is none.
func Token(getenv func(string) string) (token, origin string) {
	for _, v := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if t := strings.TrimSpace(getenv(v)); t != "" {
			return t, v
		}
	}
	path := TokenPath(getenv)
	if path == "" {
		return "", ""
	}
	f, err := os.Open(path)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil || len(data) > maxTokenFile {
		return "", ""
	}
	t := strings.TrimSpace(string(data))
	if t == "" || strings.ContainsAny(t, " \t\r\n") {
		return "", ""
	}
	return t, path
}

// TokenPath is where `hf auth login` stores the token: $HF_TOKEN_PATH,
// else $HF_HOME/token, else $XDG_CACHE_HOME/huggingface/token, else
// ~/.cache/huggingface/token ("" when no home folder is known). A leading
// "~" is expanded, as huggingface_hub does.
func TokenPath(getenv func(string) string) string {
	home := getenv("HOME")
	expand := func(p string) string {
		if home != "" && (p == "~" || strings.HasPrefix(p, "~/")) {
			return filepath.Join(home, p[1:])
		}
		return p
	}
	if p := getenv("HF_TOKEN_PATH"); p != "" {
		return expand(p)
	}
	if p := getenv("HF_HOME"); p != "" {
		return filepath.Join(expand(p), "token")
	}
	if p := getenv("XDG_CACHE_HOME"); p != "" {
		return filepath.Join(expand(p), "huggingface", "token")
	}
	if home == "" {
		return ""
	}
	return filepath.Join(home, ".cache", "huggingface", "token")
}
