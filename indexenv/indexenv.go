// Package indexenv reads the package-index settings pip and uv take from the
// environment, as one list with the variable each came from, so that an
// index given through the environment means what the same index given on
// the command line means (and is written to requirements.txt under the same
// rule).
//
// The variables, in order of precedence within each setting:
//
//	default index   PIP_INDEX_URL, UV_DEFAULT_INDEX, UV_INDEX_URL (uv's older name)
//	extra indexes   PIP_EXTRA_INDEX_URL, UV_INDEX, UV_EXTRA_INDEX_URL: each a
//	                whitespace-separated list, all read; a UV_INDEX entry may
//	                be NAME=URL, as uv takes it
//	find-links      PIP_FIND_LINKS (whitespace-separated), UV_FIND_LINKS
//	                (comma-separated, as uv splits it)
//	no index        PIP_NO_INDEX, UV_NO_INDEX: a boolean as pip reads one
//	                (1/0, true/false, yes/no, on/off, y/n, t/f)
//
// uv and pip differ in how they combine indexes: uv asks one index per
// package (the first that has it, UV_INDEX before the default), pip merges
// the files of every index. zgpu, whose output pip installs on the Space
// builder, merges as pip does; an index uv would only ask for some
// packages (explicit = true in pyproject.toml) is a per-package source in
// pyproject, not a setting here.
package indexenv

import (
	"fmt"
	"strings"
)

// Variables names the variables of each pip option (by its long flag
// name), in order of precedence.
var Variables = map[string][]string{
	"index-url":       {"PIP_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX_URL"},
	"extra-index-url": {"PIP_EXTRA_INDEX_URL", "UV_INDEX", "UV_EXTRA_INDEX_URL"},
	"find-links":      {"PIP_FIND_LINKS", "UV_FIND_LINKS"},
	"no-index":        {"PIP_NO_INDEX", "UV_NO_INDEX"},
}

// Settings are the index settings of the environment. Each *From names the
// variable a value came from.
type Settings struct {
	IndexURL, IndexURLFrom string
	ExtraIndexURLs         []Value
	FindLinks              []Value
	NoIndex                bool
	NoIndexFrom            string
}

// Value is one list entry and the variable it came from.
type Value struct {
	URL  string
	From string
}

// URLs returns the entries' URLs.
func URLs(vs []Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.URL
	}
	return out
}

// Read reads the settings with getenv (os.Getenv). The error names a
// variable whose boolean value pip would reject.
func Read(getenv func(string) string) (Settings, error) {
	var s Settings
	for _, v := range Variables["index-url"] {
		if u := strings.TrimSpace(getenv(v)); u != "" {
			s.IndexURL, s.IndexURLFrom = u, v
			break
		}
	}
	seen := map[string]bool{}
	add := func(list *[]Value, u, from string) {
		if u == "" || seen[u] {
			return
		}
		seen[u] = true
		*list = append(*list, Value{URL: u, From: from})
	}
	for _, v := range Variables["extra-index-url"] {
		for _, f := range strings.Fields(getenv(v)) {
			if v == "UV_INDEX" {
				f = stripName(f)
			}
			add(&s.ExtraIndexURLs, f, v)
		}
	}
	for _, f := range strings.Fields(getenv("PIP_FIND_LINKS")) {
		add(&s.FindLinks, f, "PIP_FIND_LINKS")
	}
	for _, f := range strings.Split(getenv("UV_FIND_LINKS"), ",") {
		add(&s.FindLinks, strings.TrimSpace(f), "UV_FIND_LINKS")
	}
	for _, v := range Variables["no-index"] {
		raw := strings.TrimSpace(getenv(v))
		if raw == "" {
			continue
		}
		b, err := ParseBool(raw)
		if err != nil {
			return s, fmt.Errorf("%s=%s: %v", v, raw, err)
		}
		if b {
			s.NoIndex, s.NoIndexFrom = true, v
			break
		}
	}
	return s, nil
}

// stripName returns the URL of a uv index entry "NAME=URL" (a name has no
// ':' or '/'); anything else is returned as it is.
func stripName(s string) string {
	name, rest, ok := strings.Cut(s, "=")
	if !ok || name == "" || strings.ContainsAny(name, ":/") {
		return s
	}
	return rest
}

// ParseBool reads a boolean as pip's strtobool does.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes", "t", "true", "on", "1":
		return true, nil
	case "n", "no", "f", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("expected a boolean (1 or 0, true or false, yes or no, on or off)")
}
