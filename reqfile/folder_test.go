package reqfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// With Dir set, a line that looks like a path to a folder must name one
// that exists, as pip requires; -r /etc/passwd fails at its first line.
func TestPathLinesNeedTheirFolder(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "pkg"), 0o755)
	passwd := filepath.Join(dir, "passwd")
	os.WriteFile(passwd, []byte("root:x:0:0:root:/root:/bin/bash\n"), 0o644)
	req := filepath.Join(dir, "requirements.txt")
	os.WriteFile(req, []byte("./pkg\n./wheels/x-1.0-py3-none-any.whl\n-r passwd\n"), 0o644)
	_, err := ParseFile(req, ParseOptions{Dir: dir})
	want := passwd + `:1:1: invalid requirement: it looks like a path, and no folder "root:x:0:0:root:/root:/bin/bash" exists (pip rejects the line)`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
	f, err := ParseFile(req, ParseOptions{Dir: dir, KeepGoing: true})
	if err != nil || len(f.Errors) != 1 || len(f.Requirements) != 2 {
		t.Fatalf("KeepGoing: %v, %d errors, %d requirements", err, len(f.Errors), len(f.Requirements))
	}
	// Without Dir (a pure parse), the line is a path requirement.
	if _, err := ParseFile(req, ParseOptions{}); err != nil {
		t.Errorf("without Dir: %v", err)
	}
}

// A file that is not a requirements file (-r /proc/self/environ) is quoted
// in the error only in part, and URL credentials in it are redacted.
func TestErrorQuotesAWindow(t *testing.T) {
	dir := t.TempDir()
	env := "HF_TOKEN=hf_s3cr3t\x00INDEX=https://user:pw-s3cr3t@host/simple\x00" + strings.Repeat("PATH=/usr/bin\x00", 50)
	os.WriteFile(filepath.Join(dir, "environ"), []byte("x y z "+env+"\n"), 0o644)
	req := filepath.Join(dir, "requirements.txt")
	os.WriteFile(req, []byte("-r environ\n"), 0o644)
	_, err := ParseFile(req, ParseOptions{Dir: dir})
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), "pw-s3cr3t") || len(err.Error()) > 600 {
		t.Errorf("error quotes too much (%d bytes): %s", len(err.Error()), err)
	}
}
