package tomlpos

import "strings"

// goTypeWords are pieces of Go type syntax that must never reach a user in
// a message about a TOML file.
var goTypeWords = []string{"[]", "interface {}", "map[", "struct", "int64", "float64", "int8", "uint"}

// GoSyntax returns the first piece of Go type syntax found in msg ("map[",
// "int64"), or "" when there is none. Tests of every TOML reader use it to
// check that errors speak TOML only.
func GoSyntax(msg string) string {
	for _, s := range goTypeWords {
		if strings.Contains(msg, s) {
			return s
		}
	}
	return ""
}
