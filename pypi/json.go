package pypi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/zgpu/zgpu/index"
)

// jsonPage is a PEP 691 project page.
type jsonPage struct {
	Meta struct {
		APIVersion string `json:"api-version"`
	} `json:"meta"`
	Name     string     `json:"name"`
	Versions []string   `json:"versions"`
	Files    []jsonFile `json:"files"`
}

type jsonFile struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	Hashes         map[string]string `json:"hashes"`
	RequiresPython *string           `json:"requires-python"`
	Yanked         json.RawMessage   `json:"yanked"`
	Size           *int64            `json:"size"`
	UploadTime     string            `json:"upload-time"`
	CoreMetadata   json.RawMessage   `json:"core-metadata"`
	DistInfo       json.RawMessage   `json:"dist-info-metadata"`
	DataDistInfo   json.RawMessage   `json:"data-dist-info-metadata"` // an early PyPI spelling
}

// parseJSON reads a PEP 691 project page, building only the files keep
// accepts (all of them when keep is nil). The fast path (jsonscan.go) reads
// the pages PyPI and mirrors serve; encoding/json reads the rest and names
// what is wrong.
func parseJSON(body []byte, pageURL string, keep func(string) bool) ([]index.File, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("bad page URL: %v", err)
	}
	if v, files, ok := scanPage(body, base, keep); ok {
		if err := checkAPIVersion(v); err != nil {
			return nil, err
		}
		return files, nil
	}
	return decodeJSON(body, base, keep)
}

// decodeJSON is parseJSON's slow path, with encoding/json.
func decodeJSON(body []byte, base *url.URL, keep func(string) bool) ([]index.File, error) {
	var page jsonPage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&page); err != nil {
		return nil, fmt.Errorf("expected a PEP 691 JSON project page: %v", err)
	}
	if err := checkAPIVersion(page.Meta.APIVersion); err != nil {
		return nil, err
	}
	files := make([]index.File, 0, len(page.Files))
	for i, jf := range page.Files {
		if jf.Filename == "" || jf.URL == "" {
			return nil, fmt.Errorf("file %d: expected \"filename\" and \"url\"", i)
		}
		if keep != nil && !keep(jf.Filename) {
			continue
		}
		f, err := jf.file(base)
		if errors.Is(err, errNotHTTP) {
			continue
		}
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// checkAPIVersion accepts PEP 629's api-version 1.x (or none).
func checkAPIVersion(v string) error {
	if v == "" {
		return nil
	}
	if major, _, _ := strings.Cut(v, "."); major != "1" {
		return fmt.Errorf("unsupported Simple API version %q (want 1.x)", v)
	}
	return nil
}

// file builds the index.File of a decoded file object.
func (jf *jsonFile) file(base *url.URL) (index.File, error) {
	u, frag, err := resolve(base, jf.URL)
	if err != nil {
		return index.File{}, fmt.Errorf("file %q: %w", jf.Filename, err)
	}
	f := index.File{Filename: jf.Filename, URL: u, Hashes: lowerHashes(jf.Hashes)}
	if f.Hashes == nil {
		f.Hashes = fragmentHash(frag)
	}
	if jf.RequiresPython != nil {
		f.RequiresPython = strings.TrimSpace(*jf.RequiresPython)
	}
	if f.Yanked, f.YankedReason, err = boolOrString(jf.Yanked); err != nil {
		return index.File{}, fmt.Errorf("file %q: yanked: %v", jf.Filename, err)
	}
	if jf.Size != nil {
		f.Size = *jf.Size
	}
	if jf.UploadTime != "" {
		t, err := time.Parse(time.RFC3339Nano, jf.UploadTime)
		if err != nil {
			return index.File{}, fmt.Errorf("file %q: expected an ISO 8601 upload-time, got %q", jf.Filename, jf.UploadTime)
		}
		f.UploadTime = t
	}
	meta := jf.CoreMetadata
	if isAbsent(meta) {
		meta = jf.DistInfo
	}
	if isAbsent(meta) {
		meta = jf.DataDistInfo
	}
	if f.CoreMetadata, f.MetadataHashes, err = boolOrHashes(meta); err != nil {
		return index.File{}, fmt.Errorf("file %q: core-metadata: %v", jf.Filename, err)
	}
	return f, nil
}

func isAbsent(m json.RawMessage) bool {
	return len(m) == 0 || string(m) == "null"
}

// boolOrString reads PEP 592's yanked value: false, true or a reason. The
// first byte says which, so the value is decoded once.
func boolOrString(m json.RawMessage) (bool, string, error) {
	if isAbsent(m) {
		return false, "", nil
	}
	if b, ok := literalBool(m); ok {
		return b, "", nil
	}
	switch m[0] {
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(m, &b); err == nil {
			return b, "", nil
		}
	case '"':
		var s string
		if err := json.Unmarshal(m, &s); err == nil {
			return true, s, nil
		}
	}
	return false, "", fmt.Errorf("expected a boolean or a string, got %s", m)
}

// literalBool reads a value that is exactly the JSON literal true or
// false, without encoding/json.
func literalBool(m json.RawMessage) (b, ok bool) {
	switch string(m) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// boolOrHashes reads PEP 714's core-metadata value: false, true or a
// dictionary of hashes, decoded once (the first byte says which).
func boolOrHashes(m json.RawMessage) (bool, map[string]string, error) {
	if isAbsent(m) {
		return false, nil, nil
	}
	if b, ok := literalBool(m); ok {
		return b, nil, nil
	}
	switch m[0] {
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(m, &b); err == nil {
			return b, nil, nil
		}
	case '{':
		if h, ok := scanHashes(m); ok {
			return true, lowerHashes(h), nil
		}
		var h map[string]string
		if err := json.Unmarshal(m, &h); err == nil {
			return true, lowerHashes(h), nil
		}
	}
	return false, nil, fmt.Errorf("expected a boolean or a dictionary of hashes, got %s", m)
}

// lowerHashes lowercases algorithm names and digests; empty is nil.
func lowerHashes(h map[string]string) map[string]string {
	if len(h) == 0 {
		return nil
	}
	lower := true
	for k, v := range h {
		lower = lower && k == strings.ToLower(k) && v == strings.ToLower(v)
	}
	if lower {
		return h
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[strings.ToLower(k)] = strings.ToLower(v)
	}
	return out
}

// resolve resolves ref against base and splits off its fragment.
func resolve(base *url.URL, ref string) (abs, fragment string, err error) {
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", "", fmt.Errorf("bad URL %q", ref)
	}
	u := base.ResolveReference(r)
	if isHTTP(base.Scheme) && !isHTTP(u.Scheme) {
		return "", "", errNotHTTP
	}
	fragment = u.Fragment
	u.Fragment, u.RawFragment = "", ""
	return u.String(), fragment, nil
}

// errNotHTTP is a link of a remote page to anything but http(s), a
// file:// URL above all: a page someone else serves never makes zgpu read
// a local file. Such a link is skipped.
var errNotHTTP = errors.New("link from a remote page to a non-http(s) URL")

func isHTTP(scheme string) bool {
	return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https")
}

// fragmentHash reads a "#sha256=hex" fragment (any algorithm name) into a
// hash map; other fragments ("#egg=...") give nil.
func fragmentHash(frag string) map[string]string {
	for _, part := range strings.Split(frag, "&") {
		alg, hex, ok := strings.Cut(part, "=")
		alg = strings.ToLower(alg)
		if ok && hex != "" && knownHash[alg] {
			return map[string]string{alg: strings.ToLower(hex)}
		}
	}
	return nil
}

var knownHash = map[string]bool{"md5": true, "sha1": true, "sha224": true, "sha256": true, "sha384": true, "sha512": true}
