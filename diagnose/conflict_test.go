package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestClassify checks which conflicts are blamed on spaces: only a spaces
// pin that is itself a cause, or a requirement of spaces that excludes the
// version the user pins while the Gradio SDK accepts it.
func TestClassify(t *testing.T) {
	user := func(pkg, spec string) Constraint { return Constraint{By: "user", Package: pkg, Specifier: spec} }
	dep := func(by, pkg, spec string) Constraint { return Constraint{By: by, Package: pkg, Specifier: spec} }
	type want struct {
		Kind      Kind
		Offenders []string
		Pinned    bool
		Excludes  []string // the spaces requirements that exclude a pin
		Gradio    []string // the requirements that exclude a gradio pin
	}
	tests := []struct {
		name string
		cs   []Constraint
		reqs map[string]fileReq
		want want
	}{
		{"spaces accepts the pin that gradio excludes",
			[]Constraint{user("pydantic", "==2.7.0"), dep("gradio 5.38.2", "pydantic", "<2.12,>=2.11.10"), dep("spaces 0.51.1", "pydantic", "<3,>=1")},
			nil, want{Kind: KindSDKConflict, Offenders: []string{"pydantic"}}},
		{"the same without spaces",
			[]Constraint{user("pydantic", "==2.7.0"), dep("gradio 5.38.2", "pydantic", "<2.12,>=2.11.10")},
			nil, want{Kind: KindSDKConflict, Offenders: []string{"pydantic"}}},
		{"gradio printed with its extras",
			[]Constraint{user("pydantic", "==2.7.0"), dep("gradio[mcp,oauth] 5.38.2", "pydantic", "<2.12,>=2.11.10"), dep("spaces 0.51.1", "pydantic", "<3,>=1")},
			nil, want{Kind: KindSDKConflict, Offenders: []string{"pydantic"}}},
		{"a spaces pin in requirements.txt that accepts the pin is not the cause",
			[]Constraint{user("pydantic", "==2.7.0"), dep("gradio 5.38.2", "pydantic", "<2.12,>=2.11.10"), dep("spaces 0.51.1", "pydantic", "<3,>=1")},
			map[string]fileReq{"spaces": {spec: "==0.51.1", file: "requirements.txt"}},
			want{Kind: KindSDKConflict, Offenders: []string{"pydantic"}}},
		{"spaces excludes the pin",
			[]Constraint{user("psutil", "==7.0.0"), dep("spaces 0.29.3", "psutil", "<6,>=2")},
			nil, want{Kind: KindSpacesConflict, Offenders: []string{"psutil"}, Excludes: []string{"spaces 0.29.3 depends on psutil<6,>=2"}}},
		{"spaces excludes the pin, and the user pins that spaces",
			[]Constraint{user("psutil", "==7.0.0"), dep("spaces 0.29.3", "psutil", "<6,>=2")},
			map[string]fileReq{"spaces": {spec: "==0.29.3", file: "requirements.txt"}},
			want{Kind: KindSpacesConflict, Offenders: []string{"spaces", "psutil"}, Pinned: true, Excludes: []string{"spaces 0.29.3 depends on psutil<6,>=2"}}},
		{"one spaces release of those tried accepts the pin",
			[]Constraint{user("requests", "==2.18.4"), dep("spaces 0.51.1", "requests", "<3.0,>=2.19"), dep("spaces 0.20.0", "requests", ">=2.10"), dep("gradio 5.38.2", "requests", "")},
			nil, want{Kind: KindSDKConflict, Offenders: []string{"requests"}}},
		{"gradio excludes the pin too",
			[]Constraint{user("httpx", "==0.18.2"), dep("gradio 5.38.2", "httpx", "<1.0,>=0.24.1"), dep("spaces 0.51.1", "httpx", ">=0.20")},
			nil, want{Kind: KindSDKConflict, Offenders: []string{"httpx"}}},
		{"a range pin: its lower bound is what pip tries",
			[]Constraint{user("psutil", ">=7"), dep("spaces 0.29.3", "psutil", "<6,>=2")},
			nil, want{Kind: KindSpacesConflict, Offenders: []string{"psutil"}, Excludes: []string{"spaces 0.29.3 depends on psutil<6,>=2"}}},
		{"an unpinned requirement pins no version",
			[]Constraint{user("psutil", ""), dep("spaces 0.29.3", "psutil", "<6,>=2"), dep("foo 1.0", "psutil", ">=6")},
			nil, want{Kind: KindConflict, Offenders: []string{"psutil"}}},
		{"the user pins spaces itself",
			[]Constraint{user("spaces", "==0.29.3"), user("spaces", "")},
			nil, want{Kind: KindSpacesConflict, Offenders: []string{"spaces"}, Pinned: true}},
		{"a spaces specifier pip printed that pep440 cannot read",
			[]Constraint{user("psutil", "==7.0.0"), dep("spaces 0.29.3", "psutil", "<6,>=2,garbage")},
			nil, want{Kind: KindConflict, Offenders: []string{"psutil"}}},
		{"no user pin: every constrained package",
			[]Constraint{dep("torchvision 0.20.0", "torch", "==2.5.0"), dep("xformers 0.0.33", "torch", "==2.9.0")},
			nil, want{Kind: KindConflict, Offenders: []string{"torch"}}},
		{"a pin unrelated to the SDK",
			[]Constraint{user("torch", "==2.1.0"), dep("torchvision 0.20.0", "torch", "==2.5.0")},
			nil, want{Kind: KindConflict, Offenders: []string{"torch"}}},
		{"spaces excludes the gradio pin: a gradio pin conflict, not a spaces one",
			[]Constraint{user("gradio", "==4.44.1"), dep("gradio[mcp] 4.44.1", "gradio", "==4.44.1"), dep("spaces 0.51.1", "gradio", ">=5.0")},
			nil, want{Kind: KindGradioPin, Offenders: []string{"gradio"}, Gradio: []string{"spaces 0.51.1 depends on gradio>=5.0"}}},
		{"requirements.txt pins another gradio than the SDK",
			[]Constraint{user("gradio", "==5.38.2"), user("gradio", "==4.44.1")},
			nil, want{Kind: KindGradioPin, Offenders: []string{"gradio"}}},
		{"the user pins spaces and gradio",
			[]Constraint{user("spaces", "==0.51.1"), user("gradio", "==4.44.1"), dep("spaces 0.51.1", "gradio", ">=5.0")},
			nil, want{Kind: KindGradioPin, Offenders: []string{"spaces", "gradio"}, Pinned: true, Gradio: []string{"spaces 0.51.1 depends on gradio>=5.0"}}},
		{"a spaces pinned in requirements.txt excludes the gradio pin",
			[]Constraint{user("gradio", "==4.44.1"), dep("spaces 0.51.1", "gradio", ">=5.0")},
			map[string]fileReq{"spaces": {spec: "==0.51.1", file: "requirements.txt"}},
			want{Kind: KindGradioPin, Offenders: []string{"spaces", "gradio"}, Pinned: true, Gradio: []string{"spaces 0.51.1 depends on gradio>=5.0"}}},
		{"another requirement excludes the SDK's gradio",
			[]Constraint{user("gradio", "==5.38.2"), dep("gradio-pdf 0.0.3", "gradio", "<5.0,>=4.0")},
			nil, want{Kind: KindGradioPin, Offenders: []string{"gradio"}, Gradio: []string{"gradio-pdf 0.0.3 depends on gradio<5.0,>=4.0"}}},
		{"a gradio requirement that accepts the pin is no gradio conflict",
			[]Constraint{user("gradio", "==5.38.2"), dep("spaces 0.51.1", "gradio", ">=5.0")},
			nil, want{Kind: KindConflict, Offenders: []string{"gradio"}}},
		{"two gradio pins that agree",
			[]Constraint{user("gradio", "==5.38.2"), user("gradio", ">=5")},
			nil, want{Kind: KindConflict, Offenders: []string{"gradio"}}},
		{"a gradio specifier pip printed that pep440 cannot read",
			[]Constraint{user("gradio", "==4.44.1"), dep("spaces 0.51.1", "gradio", ">=5.0,garbage")},
			nil, want{Kind: KindConflict, Offenders: []string{"gradio"}}},
		{"the SDK's gradio pin next to a pydantic pin: only pydantic to unpin",
			[]Constraint{user("gradio", "==5.38.2"), user("pydantic", "==2.5.3"), dep("gradio 5.38.2", "pydantic", "<2.12,>=2.11.10")},
			nil, want{Kind: KindSDKConflict, Offenders: []string{"pydantic"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := classify(tt.cs, tt.reqs, nil)
			got := want{Kind: cl.kind, Offenders: cl.offenders, Pinned: cl.spacesPinned}
			for _, c := range cl.excludes {
				got.Excludes = append(got.Excludes, c.String())
			}
			if cl.gradio != nil {
				for _, c := range cl.gradio.excludes {
					got.Gradio = append(got.Gradio, c.String())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("classify (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConflictFix checks the kind and the printed fix of the conflict logs,
// and that a spaces line that accepts the pin changes nothing.
func TestConflictFix(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	spacesOK := read("sdk_conflict_spaces_ok")
	const spacesLine = "    spaces 0.51.1 depends on pydantic<3,>=1\n"
	if !strings.Contains(spacesOK, spacesLine) {
		t.Fatalf("sdk_conflict_spaces_ok.log lacks %q", spacesLine)
	}
	tests := []struct {
		name string
		log  string
		kind Kind
		fix  string // the whole fix
	}{
		{"spaces accepts the pin", spacesOK, KindSDKConflict,
			"Unpin pydantic in requirements.txt (the SDK brings a compatible version). gradio[mcp] needs uvicorn>=0.31.1 and pydantic>=2.11.10."},
		{"without the spaces line", strings.Replace(spacesOK, spacesLine, "", 1), KindSDKConflict,
			"Unpin pydantic in requirements.txt (the SDK brings a compatible version). gradio[mcp] needs uvicorn>=0.31.1 and pydantic>=2.11.10."},
		{"spaces excludes the pin", read("spaces_excludes_pin"), KindSpacesConflict,
			"Relax or unpin requests in requirements.txt to a version spaces accepts (requests<3.0,>=2.19); spaces itself stays, the platform installs it."},
		{"spaces pinned in requirements.txt excludes the pin", read("spaces_conflict"), KindSpacesConflict,
			"Remove spaces from requirements.txt (and any pin that contradicts its requirements: psutil); zgpu never writes spaces."},
		{"a pin unrelated to gradio[mcp]: no word of uvicorn and pydantic", read("sdk_conflict_hub"), KindSDKConflict,
			"Unpin huggingface-hub in requirements.txt (the SDK brings a compatible version)."},
		{"a uvicorn pin", uvicornConflict, KindSDKConflict,
			"Unpin uvicorn in requirements.txt (the SDK brings a compatible version). gradio[mcp] needs uvicorn>=0.31.1 and pydantic>=2.11.10."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := firstFinding(t, tt.log)
			if f.Kind != tt.kind {
				t.Errorf("kind %s, want %s", f.Kind, tt.kind)
			}
			if diff := cmp.Diff(tt.fix, f.Fix); diff != "" {
				t.Errorf("fix (-want +got):\n%s", diff)
			}
		})
	}
}

// uvicornConflict is pip 24's report of a uvicorn pin that gradio[mcp]
// excludes.
const uvicornConflict = `--> RUN --mount=target=/tmp/requirements.txt,source=requirements.txt     pip install --no-cache-dir -r /tmp/requirements.txt gradio[oauth,mcp]==5.49.1 "uvicorn>=0.14.0" spaces
Collecting gradio==5.49.1 (from gradio[mcp,oauth]==5.49.1)
  Downloading gradio-5.49.1-py3-none-any.whl.metadata (16 kB)
Collecting uvicorn==0.30.6 (from -r /tmp/requirements.txt (line 2))
  Downloading uvicorn-0.30.6-py3-none-any.whl.metadata (6.6 kB)
ERROR: Cannot install -r /tmp/requirements.txt (line 2) and gradio[mcp,oauth]==5.49.1 because these package versions have conflicting dependencies.

The conflict is caused by:
    The user requested uvicorn==0.30.6
    gradio[mcp,oauth] 5.49.1 depends on uvicorn>=0.31.1; extra == "mcp"

To fix this you could try to:
1. loosen the range of package versions you've specified
2. remove package versions to allow pip to attempt to solve the dependency conflict

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts
`

func TestPinnedVersions(t *testing.T) {
	tests := []struct {
		spec, fromLog string
		want          []string
	}{
		{"==2.7.0", "", []string{"2.7.0"}},
		{"==2.7.0", "2.9.0", []string{"2.7.0"}},
		{">=7", "", []string{"7"}},
		{"<6,>=2", "", []string{"2"}},
		{"<2", "1.10.13", []string{"1.10.13"}},
		{"<2", "2.5.0", nil},
		{"==2.*", "2.5.0", []string{"2.5.0"}},
		{"", "2.5.0", nil},
		{"==", "", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, v := range pinnedVersions(tt.spec, tt.fromLog) {
			got = append(got, v.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("pinnedVersions(%q, %q) (-want +got):\n%s", tt.spec, tt.fromLog, diff)
		}
	}
}

// firstFinding diagnoses log with the test catalog and returns the first
// finding, failing the test when there is none.
func firstFinding(t *testing.T, log string) Finding {
	t.Helper()
	r := Diagnose([]byte(log), testCatalog())
	if len(r.Findings) == 0 {
		t.Fatal("no findings")
	}
	return r.Findings[0]
}
