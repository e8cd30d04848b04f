package pypi

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zgpu/zgpu/index"
)

// The fast path of parseJSON: a single pass over a PEP 691 page that
// locates each value without decoding it, builds an index.File only for the
// files keep accepts, and decodes only their fields. It accepts exactly the
// pages encoding/json reads the same way without any doubt (keys spelled as
// the PEP spells them, each once, values of the expected JSON type); for
// anything else it declines, and parseJSON decodes the page with
// encoding/json, which gives the same files or the error. A differential
// test holds the two paths to the same answers on every page of the mirror.

// maxScanDepth bounds nesting in skipped values, as encoding/json does.
const maxScanDepth = 10000

// scanner walks a JSON text. Its methods return false when the text is not
// what the fast path reads (malformed, or merely unusual).
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// eat consumes c, the next non-space byte.
func (s *scanner) eat(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

// str reads a string and returns its token (quotes included) and whether
// it holds an escape. Escapes are checked as RFC 8259 defines them.
func (s *scanner) str() (tok []byte, esc, ok bool) {
	if s.peek() != '"' {
		return nil, false, false
	}
	start := s.i
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			s.i = j + 1
			return s.b[start:s.i], esc, true
		case c == '\\':
			esc = true
			if j+1 >= len(s.b) {
				return nil, false, false
			}
			j++
			switch s.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(s.b) {
					return nil, false, false
				}
				for _, h := range s.b[j+1 : j+5] {
					if !isHex(h) {
						return nil, false, false
					}
				}
				j += 4
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		}
	}
	return nil, false, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// text decodes a string token as encoding/json would.
func text(tok []byte, esc bool) (string, bool) {
	raw := tok[1 : len(tok)-1]
	if !esc && utf8.Valid(raw) {
		return string(raw), true
	}
	var v string
	if json.Unmarshal(tok, &v) != nil {
		return "", false
	}
	return v, true
}

// number reads a number token.
func (s *scanner) number() ([]byte, bool) {
	s.ws()
	b, start, j := s.b, s.i, s.i
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		return nil, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			return nil, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return nil, false
		}
	}
	s.i = j
	return b[start:j], true
}

// literal reads true, false or null.
func (s *scanner) literal() ([]byte, bool) {
	s.ws()
	for _, lit := range []string{"true", "false", "null"} {
		if bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
			s.i += len(lit)
			return s.b[s.i-len(lit) : s.i], true
		}
	}
	return nil, false
}

// value skips one value and returns its token.
func (s *scanner) value(depth int) ([]byte, bool) {
	if depth > maxScanDepth {
		return nil, false
	}
	switch c := s.peek(); {
	case c == '"':
		tok, _, ok := s.str()
		return tok, ok
	case c == '{':
		start := s.i
		ok := s.object(func([]byte) bool {
			_, ok := s.value(depth + 1)
			return ok
		})
		return s.b[start:s.i], ok
	case c == '[':
		start := s.i
		ok := s.array(func() bool {
			_, ok := s.value(depth + 1)
			return ok
		})
		return s.b[start:s.i], ok
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't' || c == 'f' || c == 'n':
		return s.literal()
	}
	return nil, false
}

// object reads an object, calling member after each key and its colon;
// member reads the value. Keys that are not plain ASCII are declined
// (encoding/json matches struct fields with Unicode case folding).
func (s *scanner) object(member func(key []byte) bool) bool {
	if !s.eat('{') {
		return false
	}
	if s.eat('}') {
		return true
	}
	for {
		tok, esc, ok := s.str()
		if !ok || esc {
			return false
		}
		key := tok[1 : len(tok)-1]
		for _, c := range key {
			if c >= utf8.RuneSelf {
				return false
			}
		}
		if !s.eat(':') || !member(key) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// array reads an array, calling elem for each element.
func (s *scanner) array(elem func() bool) bool {
	if !s.eat('[') {
		return false
	}
	if s.eat(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return true
		default:
			return false
		}
	}
}

// field matches key against the keys a struct reads: the index of an exact
// match, -1 for a key to skip, and false for a key encoding/json would
// match another way (another case) or a repeated one.
func field(key []byte, keys []string, seen *uint32) (int, bool) {
	for i, k := range keys {
		if string(key) == k {
			if *seen&(1<<i) != 0 {
				return 0, false
			}
			*seen |= 1 << i
			return i, true
		}
		if asciiEqualFold(key, k) {
			return 0, false
		}
	}
	return -1, true
}

// asciiEqualFold is strings.EqualFold for an ASCII key, without converting
// it to a string.
func asciiEqualFold(key []byte, k string) bool {
	if len(key) != len(k) {
		return false
	}
	for i := range key {
		a, b := key[i], k[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

var (
	pageKeys = []string{"meta", "name", "versions", "files"}
	metaKeys = []string{"api-version"}
	fileKeys = []string{"filename", "url", "hashes", "requires-python", "yanked", "size", "upload-time", "core-metadata", "dist-info-metadata", "data-dist-info-metadata"}
)

// The indexes of fileKeys.
const (
	kFilename = iota
	kURL
	kHashes
	kRequiresPython
	kYanked
	kSize
	kUploadTime
	kCoreMetadata
	kDistInfo
	kDataDistInfo
	nFileKeys
)

// scanPage is the fast path: the page's api-version and its kept files,
// or false to decline.
func scanPage(body []byte, base *url.URL, keep func(string) bool) (apiVersion string, files []index.File, ok bool) {
	s := &scanner{b: body}
	var seen uint32
	ok = s.object(func(key []byte) bool {
		k, ok := field(key, pageKeys, &seen)
		switch {
		case !ok:
			return false
		case k == 0: // meta
			if s.peek() == 'n' {
				_, ok := s.literal()
				return ok
			}
			var seenMeta uint32
			return s.object(func(key []byte) bool {
				k, ok := field(key, metaKeys, &seenMeta)
				if !ok || k < 0 {
					_, vok := s.value(1)
					return ok && vok
				}
				tok, esc, ok := s.str()
				if ok {
					apiVersion, ok = text(tok, esc)
				}
				return ok
			})
		case k == 1 || k < 0: // name, or a key the page struct lacks
			tok, ok := s.value(1)
			return ok && (k < 0 || tok[0] == '"')
		case k == 2: // versions
			return s.array(func() bool {
				_, _, ok := s.str()
				return ok
			})
		default: // files
			if s.peek() == 'n' {
				_, ok := s.literal()
				return ok
			}
			return s.array(func() bool {
				f, kept, ok := s.file(base, keep)
				if kept {
					files = append(files, f)
				}
				return ok
			})
		}
	})
	if !ok {
		return "", nil, false
	}
	if s.peek() != 0 {
		return "", nil, false // trailing text: let encoding/json judge it
	}
	return apiVersion, files, true
}

// file reads one file object and builds it when keep accepts its filename.
func (s *scanner) file(base *url.URL, keep func(string) bool) (index.File, bool, bool) {
	var tok [nFileKeys][]byte
	var esc [nFileKeys]bool
	var seen uint32
	ok := s.object(func(key []byte) bool {
		k, ok := field(key, fileKeys, &seen)
		if !ok {
			return false
		}
		switch k {
		case kFilename, kURL, kUploadTime, kRequiresPython:
			if k == kRequiresPython && s.peek() == 'n' {
				_, ok := s.literal()
				return ok
			}
			tok[k], esc[k], ok = s.str()
			return ok
		case kSize:
			if s.peek() == 'n' {
				_, ok := s.literal()
				return ok
			}
			tok[k], ok = s.number()
			return ok
		case kHashes:
			if s.peek() == 'n' {
				_, ok := s.literal()
				return ok
			}
			start := s.i
			ok = s.object(func([]byte) bool {
				_, esc, ok := s.str()
				return ok && !esc
			})
			tok[k] = s.b[start:s.i]
			return ok
		case -1:
			_, ok := s.value(1)
			return ok
		}
		tok[k], ok = s.value(1) // yanked and the metadata keys: raw, as json.RawMessage
		return ok
	})
	// An empty filename or URL is for encoding/json to judge (a token the
	// scanner accepted always decodes, to "" only when it is "").
	if !ok || len(tok[kFilename]) <= 2 || len(tok[kURL]) <= 2 {
		return index.File{}, false, false
	}
	name, ok := text(tok[kFilename], esc[kFilename])
	if !ok {
		return index.File{}, false, false
	}
	if keep != nil && !keep(name) {
		return index.File{}, false, true
	}
	rawURL, ok := text(tok[kURL], esc[kURL])
	if !ok {
		return index.File{}, false, false
	}
	f, ok := buildFile(base, name, rawURL, tok, esc)
	return f, ok, ok
}

// scanHashes decodes a hashes object the scanner accepted (ASCII keys,
// string values without escapes) as encoding/json would into a
// map[string]string, without its reflection: the last of a repeated key
// wins.
func scanHashes(h []byte) (map[string]string, bool) {
	s := scanner{b: h}
	m := map[string]string{}
	ok := s.object(func(key []byte) bool {
		tok, esc, ok := s.str()
		if !ok || esc {
			return false
		}
		v, ok := text(tok, false)
		m[string(key)] = v
		return ok
	})
	return m, ok && s.peek() == 0
}

// buildFile makes the index.File of a scanned file object, as parseJSON's
// slow path does.
func buildFile(base *url.URL, name, rawURL string, tok [nFileKeys][]byte, esc [nFileKeys]bool) (index.File, bool) {
	u, frag, err := resolve(base, rawURL)
	if err != nil {
		return index.File{}, false
	}
	f := index.File{Filename: name, URL: u}
	if h := tok[kHashes]; h != nil {
		m, ok := scanHashes(h)
		if !ok {
			return index.File{}, false
		}
		f.Hashes = lowerHashes(m)
	}
	if f.Hashes == nil {
		f.Hashes = fragmentHash(frag)
	}
	if t := tok[kRequiresPython]; t != nil {
		rp, ok := text(t, esc[kRequiresPython])
		if !ok {
			return index.File{}, false
		}
		f.RequiresPython = strings.TrimSpace(rp)
	}
	if f.Yanked, f.YankedReason, err = boolOrString(tok[kYanked]); err != nil {
		return index.File{}, false
	}
	if t := tok[kSize]; t != nil {
		n, err := strconv.ParseInt(string(t), 10, 64)
		if err != nil {
			return index.File{}, false
		}
		f.Size = n
	}
	if t := tok[kUploadTime]; t != nil {
		ut, ok := text(t, esc[kUploadTime])
		if !ok {
			return index.File{}, false
		}
		if ut != "" {
			tm, err := time.Parse(time.RFC3339Nano, ut)
			if err != nil {
				return index.File{}, false
			}
			f.UploadTime = tm
		}
	}
	meta := json.RawMessage(tok[kCoreMetadata])
	if isAbsent(meta) {
		meta = tok[kDistInfo]
	}
	if isAbsent(meta) {
		meta = tok[kDataDistInfo]
	}
	if f.CoreMetadata, f.MetadataHashes, err = boolOrHashes(meta); err != nil {
		return index.File{}, false
	}
	return f, true
}
