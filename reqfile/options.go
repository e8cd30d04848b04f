package reqfile

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// An optionDef is one option pip accepts in a requirements file.
type optionDef struct {
	names   []string // "-i", "--index-url", ...
	dest    string
	value   bool // takes a value
	choices []string
}

// optionDefs are the options of pip 24.2's requirements-file line parser
// (SUPPORTED_OPTIONS and SUPPORTED_OPTIONS_REQ of req_file.py).
var optionDefs = []*optionDef{
	{names: []string{"-i", "--index-url", "--pypi-url"}, dest: "index_url", value: true},
	{names: []string{"--extra-index-url"}, dest: "extra_index_urls", value: true},
	{names: []string{"--no-index"}, dest: "no_index"},
	{names: []string{"-c", "--constraint"}, dest: "constraints", value: true},
	{names: []string{"-r", "--requirement"}, dest: "requirements", value: true},
	{names: []string{"-e", "--editable"}, dest: "editables", value: true},
	{names: []string{"-f", "--find-links"}, dest: "find_links", value: true},
	{names: []string{"--no-binary"}, dest: "no_binary", value: true},
	{names: []string{"--only-binary"}, dest: "only_binary", value: true},
	{names: []string{"--prefer-binary"}, dest: "prefer_binary"},
	{names: []string{"--require-hashes"}, dest: "require_hashes"},
	{names: []string{"--pre"}, dest: "pre"},
	{names: []string{"--trusted-host"}, dest: "trusted_hosts", value: true},
	{names: []string{"--use-feature"}, dest: "features_enabled", value: true,
		choices: []string{"fast-deps", "truststore", "no-binary-enable-wheel-cache"}},
	{names: []string{"--global-option"}, dest: "global_options", value: true},
	{names: []string{"--hash"}, dest: "hashes", value: true},
	{names: []string{"-C", "--config-settings"}, dest: "config_settings", value: true},
}

var (
	shortOpts = map[string]*optionDef{}
	longOpts  = map[string]*optionDef{}
	longNames []string
)

func init() {
	for _, d := range optionDefs {
		for _, n := range d.names {
			if strings.HasPrefix(n, "--") {
				longOpts[n] = d
				longNames = append(longNames, n)
			} else {
				shortOpts[n] = d
			}
		}
	}
	sort.Strings(longNames)
}

// An optValue is one option occurrence: its definition, the spelling the
// user wrote (abbreviations resolved to the full name, like optparse),
// its value and the byte offset of the word it came from.
type optValue struct {
	def   *optionDef
	name  string
	value string
	off   int
}

// lineOptions is what the option part of one line holds.
type lineOptions struct {
	opts []optValue
	// extra holds positional words that pip's option parser ignores.
	extra []word
}

// get returns the values given for dest, in order.
func (o *lineOptions) get(dest string) []optValue {
	var vs []optValue
	for _, v := range o.opts {
		if v.def.dest == dest {
			vs = append(vs, v)
		}
	}
	return vs
}

func (o *lineOptions) has(dest string) bool {
	for _, v := range o.opts {
		if v.def.dest == dest {
			return true
		}
	}
	return false
}

// An optError is an option parsing error at a byte offset of the option
// string.
type optError struct {
	off int
	msg string
}

func (e *optError) Error() string { return e.msg }

// parseOptions parses the words of a line's option part as Python's
// optparse does for pip's line parser: long options may be abbreviated to
// any unique prefix and take their value after '=' or as the next word;
// short options may be clustered ("-e." is "-e ."); a value option takes
// the next word even when it starts with '-'; "--" ends the options;
// other words are positional and ignored by pip.
func parseOptions(words []word) (*lineOptions, error) {
	lo := &lineOptions{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		arg := w.text
		switch {
		case arg == "--":
			lo.extra = append(lo.extra, words[i+1:]...)
			return lo, nil
		case strings.HasPrefix(arg, "--"):
			name, val, explicit := strings.Cut(arg, "=")
			full, err := matchLong(name)
			if err != nil {
				return nil, &optError{w.off, err.Error()}
			}
			d := longOpts[full]
			v := optValue{def: d, name: full, off: w.off}
			switch {
			case d.value && explicit:
				v.value = val
			case d.value:
				if i+1 >= len(words) {
					return nil, &optError{w.off, fmt.Sprintf("%s option requires 1 argument", full)}
				}
				i++
				v.value = words[i].text
			case explicit:
				return nil, &optError{w.off, fmt.Sprintf("%s option does not take a value", full)}
			}
			if err := checkValue(v); err != nil {
				return nil, &optError{w.off, err.Error()}
			}
			lo.opts = append(lo.opts, v)
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			for j := 1; j < len(arg); j++ {
				name := "-" + arg[j:j+1]
				d, ok := shortOpts[name]
				if !ok {
					r := []rune(arg[j:])
					return nil, &optError{w.off, fmt.Sprintf("no such option: -%c", r[0])}
				}
				v := optValue{def: d, name: name, off: w.off}
				if j+1 < len(arg) {
					v.value = arg[j+1:]
				} else {
					if i+1 >= len(words) {
						return nil, &optError{w.off, fmt.Sprintf("%s option requires 1 argument", name)}
					}
					i++
					v.value = words[i].text
				}
				if err := checkValue(v); err != nil {
					return nil, &optError{w.off, err.Error()}
				}
				lo.opts = append(lo.opts, v)
				break // every short option takes a value
			}
		default:
			lo.extra = append(lo.extra, w)
		}
	}
	return lo, nil
}

// matchLong resolves a long option or a unique prefix of one.
func matchLong(name string) (string, error) {
	if _, ok := longOpts[name]; ok {
		return name, nil
	}
	var matches []string
	for _, n := range longNames {
		if strings.HasPrefix(n, name) {
			matches = append(matches, n)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return "", fmt.Errorf("no such option: %s", name)
	}
	return "", fmt.Errorf("ambiguous option: %s (%s?)", name, strings.Join(matches, ", "))
}

// checkValue applies the checks pip's option callbacks make.
func checkValue(v optValue) error {
	switch v.def.dest {
	case "features_enabled":
		for _, c := range v.def.choices {
			if v.value == c {
				return nil
			}
		}
		q := make([]string, len(v.def.choices))
		for i, c := range v.def.choices {
			q[i] = "'" + c + "'"
		}
		return fmt.Errorf("option %s: invalid choice: '%s' (choose from %s)", v.name, v.value, strings.Join(q, ", "))
	case "hashes":
		algo, _, ok := strings.Cut(v.value, ":")
		if !ok {
			return fmt.Errorf("arguments to %s must be a hash name followed by a value, like --hash=sha256:abcde...", v.name)
		}
		switch algo {
		case "sha256", "sha384", "sha512":
		default:
			return fmt.Errorf("allowed hash algorithms for %s are sha256, sha384, sha512", v.name)
		}
	case "config_settings":
		if !strings.Contains(v.value, "=") {
			return fmt.Errorf("arguments to %s must be of the form KEY=VAL", v.name)
		}
	case "no_binary", "only_binary":
		if strings.HasPrefix(v.value, "-") {
			return fmt.Errorf("--no-binary / --only-binary option requires 1 argument")
		}
	}
	return nil
}

// A word is one shell word of an option string and the byte offset where
// it starts.
type word struct {
	text string
	off  int
}

// shellSplit splits s into words as Python's shlex.split(s) does in POSIX
// mode without comments: words are separated by space, tab, CR or LF;
// single quotes keep everything literal; double quotes keep everything but
// a backslash before '"' or '\'; outside quotes a backslash makes the next
// character literal. Adjacent quoted and unquoted parts form one word, and
// an empty quoted string is a word.
func shellSplit(s string) ([]word, error) {
	var words []word
	var b strings.Builder
	inWord := false
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if inWord {
				words = append(words, word{b.String(), start})
				b.Reset()
				inWord = false
			}
		case c == '\\':
			if !inWord {
				inWord, start = true, i
			}
			if i+1 >= len(s) {
				return nil, errors.New("no escaped character after '\\' at the end")
			}
			i++
			b.WriteByte(s[i])
		case c == '\'' || c == '"':
			if !inWord {
				inWord, start = true, i
			}
			j := i + 1
			for {
				if j >= len(s) {
					return nil, &quoteError{quote: c, off: i}
				}
				d := s[j]
				if d == c {
					break
				}
				if c == '"' && d == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
					b.WriteByte(s[j+1])
					j += 2
					continue
				}
				b.WriteByte(d)
				j++
			}
			i = j
		default:
			if !inWord {
				inWord, start = true, i
			}
			j := i + 1
			for j < len(s) && !isShellSpecial(s[j]) {
				j++
			}
			b.WriteString(s[i:j])
			i = j - 1
		}
	}
	if inWord {
		words = append(words, word{b.String(), start})
	}
	return words, nil
}

// A quoteError reports an unclosed quote in an option string.
type quoteError struct {
	quote byte
	off   int
}

func (e *quoteError) Error() string {
	return "no closing quotation for " + string(e.quote) + " (expected a matching " + string(e.quote) + ")"
}

func isShellSpecial(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\' || c == '\'' || c == '"'
}
