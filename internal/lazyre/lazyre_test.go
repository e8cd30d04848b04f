package lazyre

import "testing"

func TestNewCompilesOnce(t *testing.T) {
	re := New(`^a(b+)$`)
	if re() != re() {
		t.Error("two calls compiled twice")
	}
	if m := re().FindStringSubmatch("abb"); len(m) != 2 || m[1] != "bb" {
		t.Errorf("match = %q", m)
	}
}
