package main

import (
	"bytes"
	"testing"
)

// TestJSONSchemaVersion: every --json object starts with schema_version;
// arrays and scalars are written as they are; < and > stay readable.
func TestJSONSchemaVersion(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{map[string]any{"spec": "torch>=2.8"}, "{\n  \"schema_version\": 1,\n  \"spec\": \"torch>=2.8\"\n}\n"},
		{struct{}{}, "{\n  \"schema_version\": 1\n}\n"},
		{[]int{1, 2}, "[\n  1,\n  2\n]\n"},
		{"x", "\"x\"\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := newJSONEncoder(&b).Encode(tt.in); err != nil {
			t.Fatal(err)
		}
		if b.String() != tt.want {
			t.Errorf("Encode(%#v) = %q, want %q", tt.in, b.String(), tt.want)
		}
	}
}
