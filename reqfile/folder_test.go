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
