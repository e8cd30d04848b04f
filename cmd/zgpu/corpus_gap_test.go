package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/zgpu/zgpu/fakes"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// The test index (the trimmed mirror with its overlay) holds only the
// releases some public lock file locked (../shared/mirror/README.md), so a
// corpus Space that pins a release PyPI has but those lock files never
// locked (transformers==4.53.2, gradio at its sdk_version, xatlas) cannot
// lock against it. Such a refusal is a gap of the test environment, not a
// refusal of zgpu that a repair could avoid: the acceptance test counts and
// reports it apart (indexGap), and the pending list does not carry it.

// gapDerivation is a resolver failure with one cause: a requirement of the
// root (the Space's file or the builder's set) that no release of the index
// satisfies.
var gapDerivation = regexp.MustCompile(`^Because root depends on (\S+) \(.*\), (?:which matches no version of|but there are no versions of) \S+, version solving failed\.$`)

// gapHeads are the first lines of the lock and the export check's
// resolver failures.
var gapHeads = []string{
	"no set of versions satisfies every requirement together with what the platform installs:",
	"the exported pins cannot be installed on the target together with what the platform's builder installs",
}

// indexGap says whether every problem of a refusal's --json report is the
// index lacking any release a root requirement accepts, and which
// requirements those are. The message alone is not trusted: the index's
// own listing (PEP 691, from indexURL) must have no version the
// requirement's specifiers accept, pre-releases included, or no page at all.
func indexGap(indexURL string, report []byte) (string, bool) {
	var r struct {
		Problems []struct {
			Message string `json:"message"`
		} `json:"problems"`
	}
	if json.Unmarshal(report, &r) != nil || len(r.Problems) == 0 {
		return "", false
	}
	var gaps []string
	for _, p := range r.Problems {
		req, ok := gapRequirement(p.Message)
		if !ok {
			return "", false
		}
		missing, err := indexLacks(indexURL, req)
		if err != nil || !missing {
			return "", false
		}
		gaps = append(gaps, req.String())
	}
	return strings.Join(gaps, ", "), true
}

// gapRequirement parses a problem message that is a one-cause resolver
// failure: a known head line, then the one derivation, nothing else.
func gapRequirement(msg string) (pep508.Requirement, bool) {
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	if len(lines) != 2 {
		return pep508.Requirement{}, false
	}
	head := false
	for _, h := range gapHeads {
		head = head || strings.HasPrefix(lines[0], h)
	}
	m := gapDerivation.FindStringSubmatch(strings.TrimSpace(lines[1]))
	if !head || m == nil {
		return pep508.Requirement{}, false
	}
	req, err := pep508.ParseRequirement(m[1])
	if err != nil || req.URL != "" {
		return pep508.Requirement{}, false
	}
	return req, true
}

// indexLacks reads req's project page from the index and says whether no
// listed version satisfies req (or the index has no such project).
func indexLacks(indexURL string, req pep508.Requirement) (bool, error) {
	hr, err := http.NewRequest("GET", strings.TrimSuffix(indexURL, "/")+"/"+req.Key()+"/", nil)
	if err != nil {
		return false, err
	}
	hr.Header.Set("Accept", "application/vnd.pypi.simple.v1+json")
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		return false, err
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return true, nil
	}
	if res.StatusCode != http.StatusOK {
		return false, fmt.Errorf("%s: %s", hr.URL, res.Status)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return false, err
	}
	var page struct {
		Versions []string `json:"versions"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return false, err
	}
	for _, s := range page.Versions {
		v, err := pep440.Parse(s)
		if err != nil {
			continue
		}
		if req.Specifiers.Contains(v, true) {
			return false, nil
		}
	}
	return true, nil
}

// TestIndexGap holds indexGap to the index's listing: a message that
// names a missing release is a gap only when the listing agrees.
func TestIndexGap(t *testing.T) {
	root := t.TempDir()
	fakes.WriteTree(t, root, map[string]string{
		"simple/demo/index.json": `{"meta": {"api-version": "1.1"}, "name": "demo", "versions": ["1.0", "2.0rc1"], "files": []}`,
	})
	ix := fakes.PyPI(t, root)
	head := "no set of versions satisfies every requirement together with what the platform installs:\n"
	derive := func(req, tail string) string {
		return head + "Because root depends on " + req + " (requirements.txt:1), " + tail + ", version solving failed."
	}
	report := func(msgs ...string) []byte {
		var r struct {
			Problems []map[string]string `json:"problems"`
		}
		for _, m := range msgs {
			r.Problems = append(r.Problems, map[string]string{"message": m})
		}
		b, _ := json.Marshal(r)
		return b
	}
	for _, tc := range []struct {
		name   string
		report []byte
		want   string // "" for not a gap
	}{
		{"missing release", report(derive("demo==1.5", "which matches no version of demo")), "demo==1.5"},
		{"missing project", report(derive("other>=1", "but there are no versions of other")), "other>=1"},
		{"two gaps", report(derive("demo==3", "which matches no version of demo"), derive("other", "but there are no versions of other")), "demo==3, other"},
		{"the index has it", report(derive("demo==1.0", "which matches no version of demo")), ""},
		{"a pre-release it has", report(derive("demo>=2.0rc1", "which matches no version of demo")), ""},
		{"the page exists", report(derive("demo", "but there are no versions of demo")), ""},
		{"another cause too", report(derive("demo==1.5", "which matches no version of demo") + "\n(with torch 2.13.0; ...)"), ""},
		{"one gap, one other problem", report(derive("demo==1.5", "which matches no version of demo"), "sdk_version 3.37.0 is below 4"), ""},
		{"no problems", report(), ""},
	} {
		got, ok := indexGap(ix.URL, tc.report)
		if ok != (tc.want != "") || got != tc.want {
			t.Errorf("%s: indexGap = %q, %v; want %q", tc.name, got, ok, tc.want)
		}
	}
}
