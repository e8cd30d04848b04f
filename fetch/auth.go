package fetch

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// Credential is a user name and password for one host, sent as HTTP Basic
// authentication (RFC 7617) to that host only.
type Credential struct {
	Host     string // a port, if any, is ignored
	Username string
	Password string
}

// MaxNetrcBytes caps the netrc file read for credentials.
const MaxNetrcBytes = 1 << 20

// basicFor returns the credential for host: one learned from a URL's
// userinfo (an index URL such as https://user:pass@host/simple), else one
// from Config.Credentials, else the netrc entry of host (or its default
// entry). ok is false when there is none.
func (c *Client) basicFor(host string) (Credential, bool) {
	c.credMu.Lock()
	defer c.credMu.Unlock()
	if cr, ok := c.learned[strings.ToLower(host)]; ok {
		return cr, true
	}
	for _, cr := range c.cfg.Credentials {
		if strings.EqualFold(hostOnly(cr.Host), host) {
			return cr, true
		}
	}
	if c.netrc == nil && c.cfg.NetrcPath != "" {
		c.netrc = readNetrc(c.cfg.NetrcPath)
	}
	for _, cr := range c.netrc {
		if cr.Host == "" || strings.EqualFold(cr.Host, host) {
			// A machine entry names its host; the default entry
			// (Host "") is last and matches any host.
			return cr, true
		}
	}
	return Credential{}, false
}

// learn remembers the userinfo of rawURL as the credential of its host, so
// that every request to that host (the files an index page links to, a
// fresh page served from the cache) carries it, and strips it from the URL.
// Requests to any other host never see it.
//
// A userinfo field written as a ${VAR} placeholder (pip's syntax, kept as
// written by the requirements reader) is expanded from the environment
// here, so the secret lives only in the request's Authorization header.
func (c *Client) learn(rawURL string) string {
	rawURL = c.expandUserinfo(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	pw, _ := u.User.Password()
	cr := Credential{Host: u.Hostname(), Username: u.User.Username(), Password: pw}
	c.credMu.Lock()
	if c.learned == nil {
		c.learned = map[string]Credential{}
	}
	c.learned[strings.ToLower(cr.Host)] = cr
	c.credMu.Unlock()
	u.User = nil
	return u.String()
}

// expandUserinfo replaces ${VAR} placeholders in the userinfo of rawURL
// with the variables' values (escaped for a userinfo); an unset variable
// becomes empty, as a request with "${VAR}" literally would only fail.
func (c *Client) expandUserinfo(rawURL string) string {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return rawURL
	}
	end := len(rest)
	if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		end = k
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 || !strings.Contains(rest[:at], "${") {
		return rawURL
	}
	getenv := c.cfg.Getenv
	if getenv == nil {
		getenv = os.LookupEnv
	}
	user, pass, hasPass := strings.Cut(rest[:at], ":")
	expand := func(s string) string {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		return os.Expand(s, func(k string) string { v, _ := getenv(k); return v })
	}
	info := url.User(expand(user))
	if hasPass {
		info = url.UserPassword(expand(user), expand(pass))
	}
	return scheme + "://" + info.String() + rest[at:]
}

// stripUserinfo returns rawURL without its userinfo.
func stripUserinfo(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	u.User = nil
	return u.String()
}

// readNetrc reads the machine and default entries of a netrc file (the
// format of ftp(1) and curl: whitespace-separated tokens "machine",
// "default", "login", "password", "account", "macdef"). A missing,
// oversized or unreadable file gives no credentials; the default entry is
// returned last.
func readNetrc(path string) []Credential {
	f, err := os.Open(path)
	if err != nil {
		return []Credential{}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxNetrcBytes+1))
	if err != nil || len(data) > MaxNetrcBytes {
		return []Credential{}
	}
	return parseNetrc(data)
}

// parseNetrc parses netrc text; see readNetrc.
func parseNetrc(data []byte) []Credential {
	var out []Credential
	var def *Credential
	var cur *Credential
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxNetrcBytes)
	sc.Split(bufio.ScanWords)
	next := func() string {
		if sc.Scan() {
			return sc.Text()
		}
		return ""
	}
	flush := func() {
		if cur != nil && cur.Host != "" {
			out = append(out, *cur)
		}
		cur = nil
	}
	for sc.Scan() {
		switch sc.Text() {
		case "machine":
			flush()
			cur = &Credential{Host: next()}
		case "default":
			flush()
			def = &Credential{}
			cur = nil
		case "login":
			v := next()
			if cur != nil {
				cur.Username = v
			} else if def != nil {
				def.Username = v
			}
		case "password":
			v := next()
			if cur != nil {
				cur.Password = v
			} else if def != nil {
				def.Password = v
			}
		case "account":
			next()
		case "macdef":
			// A macro runs to the next blank line; its words are not
			// entries. ScanWords cannot see blank lines, so stop here:
			// entries after a macro are rare and ignored.
			flush()
			return appendDefault(out, def)
		}
	}
	flush()
	return appendDefault(out, def)
}

func appendDefault(out []Credential, def *Credential) []Credential {
	if def != nil {
		out = append(out, *def)
	}
	if out == nil {
		out = []Credential{}
	}
	return out
}

// authHint explains a 401 or 403 from host: the credentials zgpu sent were
// refused, or it had none to send.
func authHint(host string, sent bool) string {
	if sent {
		return fmt.Sprintf("the credentials sent to %s were refused", host)
	}
	return fmt.Sprintf("%s needs credentials: give them in the index URL (https://user:${TOKEN}@%s/...), in ~/.netrc, or as a token", host, host)
}
