package fetch

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadBody: the declared length sizes the buffer but never decides
// what is read: a body shorter or longer than declared is read as it is,
// up to limit+1 bytes.
func TestReadBody(t *testing.T) {
	body := strings.Repeat("abcdefgh", 1000) // 8000 bytes
	tests := []struct {
		declared, limit int64
		want            int
	}{
		{8000, 1 << 20, 8000},
		{-1, 1 << 20, 8000},
		{10, 1 << 20, 8000},
		{20000, 1 << 20, 8000},
		{0, 1 << 20, 8000},
		{8000, 100, 101},
		{50, 100, 101},
		{-1, 100, 101},
		{8000, 8000, 8000},
		{8000, 7999, 8000},
	}
	for _, tt := range tests {
		for _, half := range []bool{false, true} {
			var r io.Reader = strings.NewReader(body)
			if half {
				r = iotest.HalfReader(r)
			}
			got, err := readBody(r, tt.declared, tt.limit)
			if err != nil || len(got) != tt.want || !bytes.Equal(got, []byte(body[:tt.want])) {
				t.Errorf("readBody(declared %d, limit %d, half reads %v) = %d bytes, %v; want %d", tt.declared, tt.limit, half, len(got), err, tt.want)
			}
		}
	}
}
