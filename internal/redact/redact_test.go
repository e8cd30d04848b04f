package redact

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:s3cret@host/simple", "https://user:****@host/simple"},
		{"https://tok3n@host/simple", "https://****@host/simple"},
		{"https://user:${HF_TOKEN}@huggingface.co/x", "https://user:${HF_TOKEN}@huggingface.co/x"},
		{"https://${USER}:${PASS}@h/", "https://${USER}:${PASS}@h/"},
		{"https://${USER}:pw@h/", "https://${USER}:****@h/"},
		{"https://user:pre${X}@h/", "https://user:****@h/"},
		{`GET "https://u:p@host/x": bad`, `GET "https://u:****@host/x": bad`},
		{"no url here", "no url here"},
		{"tokenizers==0.20.1", "tokenizers==0.20.1"},
		{"secrets==1.0 and password_hash=x", "secrets==1.0 and password_hash=****"},
		{"HF_TOKEN=hf_abc PIP_PASSWORD=pw1 api_key=k9", "HF_TOKEN=**** PIP_PASSWORD=**** api_key=****"},
		{"https://h/simple?token=abc123", "https://h/simple?token=****"},
		{"x @ git+ssh://git@github.com/org/x.git", "x @ git+ssh://git@github.com/org/x.git"},
		{"x @ git+ssh://git:pw@github.com/org/x.git", "x @ git+ssh://git:****@github.com/org/x.git"},
		{"x @ git+https://tok@github.com/org/x.git", "x @ git+https://****@github.com/org/x.git"},
		{"a@b http://host/a@b", "a@b http://host/a@b"},
		{"git+https://u:p@github.com/o/r@v1", "git+https://u:****@github.com/o/r@v1"},
		{"x https://a:b@h y ftp://c@d", "x https://a:****@h y ftp://****@d"},
		{"HF_TOKEN=hf_abcdef123\x00PATH=/usr/bin", "HF_TOKEN=****\x00PATH=/usr/bin"},
		{"my_api_key=xyz and password=hunter22", "my_api_key=**** and password=****"},
		{"HF_TOKEN=${HF_TOKEN}", "HF_TOKEN=****"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestQuote(t *testing.T) {
	long := "HF_TOKEN=hf_abc https://u:pw@h/ " + strings.Repeat("PATH=/usr/bin ", 40)
	got := Quote(long)
	if strings.Contains(got, "pw@") || strings.Contains(got, "PATH=/usr/bin PATH=/usr/bin PATH=/usr/bin PATH=/usr/bin PATH=/usr/bin PATH=/usr/bin") {
		t.Errorf("Quote kept too much: %q", got)
	}
	if !strings.HasSuffix(got, "...") {
		t.Errorf("Quote(long) = %q, want a cut ending in ...", got)
	}
	if got := Quote("a\x00b\x1b[31mc"); got != `a\x00b\x1b[31mc` {
		t.Errorf("Quote = %q", got)
	}
}

func TestTerminal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain\ttext\n", "plain\ttext\n"},
		{"\x1b]0;pwned\x07x", `\x1b]0;pwned\x07x`},
		{"a\rb", `a\x0db`},
		{"c1\u009bz", `c1\u009bz`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"ünïcode", "ünïcode"},
	}
	for _, tt := range tests {
		if got := Terminal(tt.in); got != tt.want {
			t.Errorf("Terminal(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("https://user:secret@host/x")
	f.Add("git+https://tok@github.com/o/r@v")
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		if strings.Count(out, "://") != strings.Count(s, "://") {
			t.Fatalf("Text(%q) = %q changed the URLs", s, out)
		}
		if Terminal(Terminal(s)) != Terminal(s) && !strings.Contains(s, `\`) {
			t.Fatalf("Terminal not idempotent on %q", s)
		}
	})
}

func TestAround(t *testing.T) {
	if got := Around("pkg @ https://u:pw@h/x", 3); got != "pkg @ https://u:****@h/x" {
		t.Errorf("Around(short) = %q", got)
	}
	long := strings.Repeat("(", 1000) + "x" + strings.Repeat(")", 1000)
	got := Around(long, 1000)
	if want := "..." + strings.Repeat("(", Window) + "x" + strings.Repeat(")", Window-1) + "..."; got != want {
		t.Errorf("Around(long) = %q, want %q", got, want)
	}
	if got := Around(long, 0); !strings.HasPrefix(got, "((") || !strings.HasSuffix(got, "...") || len(got) != Window+3 {
		t.Errorf("Around(long, 0) = %q", got)
	}
}

func TestEnvSecrets(t *testing.T) {
	t.Setenv("HF_TOKEN", "tok-1234567890")
	if got := Text("sent tok-1234567890 to h"); got != "sent **** to h" {
		t.Errorf("Text = %q", got)
	}
}
