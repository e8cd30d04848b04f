package zerogpu

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/internal/redact"
)

// hideCredentials keeps secrets out of the file: a URL on a requirement
// line or an index option that carries a literal password or token
// (https://user:pass@host/...) is written with a ${VAR} placeholder in its
// place, which pip expands from the environment when it installs (a Space
// secret). A userinfo already made of placeholders is kept as written.
// Each rewrite is a Change and a warning naming the variable to set.
func (r *Report) hideCredentials() {
	for i, l := range r.Lines {
		text, vars := placeholderCredentials(l.Text)
		if len(vars) == 0 {
			continue
		}
		r.Changes = append(r.Changes, Change{Name: l.Name, Before: redact.Text(l.Text), After: text, Reason: credentialReason(vars), Origin: l.Origin})
		r.Lines[i] = r.Lines[i].withText(text)
		if r.Lines[i].Reason == "" {
			r.Lines[i].Reason = credentialReason(vars)
		}
		r.warnf("%s: %s", orDash(l.Origin), credentialReason(vars))
	}
	seen := map[string]bool{}
	for i, o := range r.Options {
		text, vars := placeholderCredentials(o)
		if len(vars) == 0 {
			continue
		}
		r.Options[i] = text
		if seen[o] {
			continue
		}
		seen[o] = true
		name, _, _ := strings.Cut(o, " ")
		r.Changes = append(r.Changes, Change{Name: name, Before: redact.Text(o), After: text, Reason: credentialReason(vars)})
		r.warnf("%s: %s", name, credentialReason(vars))
	}
}

// credentialReason says what a rewrite did and what the user sets.
func credentialReason(vars []string) string {
	return fmt.Sprintf("a credential in a URL is written as ${%s} (pip reads it from the environment when it installs): set %s as a Space secret", strings.Join(vars, "}, ${"), strings.Join(vars, ", "))
}

// placeholderCredentials returns s with the literal userinfo secrets of
// its URLs replaced by ${HOST_PASSWORD} (or ${HOST_TOKEN} for a userinfo
// of one field, a token), and the variables it named; none when s holds
// no literal credential.
func placeholderCredentials(s string) (string, []string) {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return s, nil
	}
	var b strings.Builder
	var vars []string
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String(), vars
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]
		end := strings.IndexAny(s, "/?# \t")
		if end < 0 {
			end = len(s)
		}
		at := strings.LastIndexByte(s[:end], '@')
		if at < 0 || redact.Text("x://"+s[:at]+"@h") == "x://"+s[:at]+"@h" {
			continue // no userinfo, or one made of placeholders
		}
		user, _, hasPass := strings.Cut(s[:at], ":")
		v := envName(s[at+1 : end])
		if hasPass {
			v += "_PASSWORD"
			b.WriteString(user + ":${" + v + "}@")
		} else {
			v += "_TOKEN"
			b.WriteString("${" + v + "}@")
		}
		vars = append(vars, v)
		s = s[at+1:]
	}
}

// envName turns a host[:port] into an environment variable name:
// idx.example.com -> IDX_EXAMPLE_COM.
func envName(host string) string {
	host, _, _ = strings.Cut(host, ":")
	out := []byte(strings.ToUpper(host))
	for i, c := range out {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			out[i] = '_'
		}
	}
	if len(out) == 0 || out[0] >= '0' && out[0] <= '9' {
		return "INDEX_" + string(out)
	}
	return string(out)
}
