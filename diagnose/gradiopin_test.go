package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGradioPinFix checks the cause and fix of gradio pin conflicts: gradio
// leaves requirements.txt and sdk_version chooses it, naming the version
// the other requirement accepts, or the one the user pinned.
func TestGradioPinFix(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	spacesLog, sdkLog := read("gradio_pin_spaces"), read("gradio_pin_sdk")
	// insert adds a line after the first line that starts with after.
	insert := func(log, after, add string) string {
		i := strings.Index(log, "\n"+after)
		if i < 0 {
			t.Fatalf("no line %q in the log", after)
		}
		j := i + 1 + strings.IndexByte(log[i+1:], '\n')
		return log[:j+1] + add + "\n" + log[j+1:]
	}
	const first = "Collecting gradio==4.44.1 (from gradio[mcp]==4.44.1)"
	tests := []struct {
		name  string
		log   string
		fix   string
		cause string // a part of the cause
	}{
		{"spaces needs another gradio than the SDK's", spacesLog,
			"Remove any gradio line from requirements.txt and set sdk_version: in README.md to a Gradio version that spaces accepts (gradio>=5.0). The platform installs gradio at sdk_version; zgpu never writes it to requirements.txt.",
			"at the README's sdk_version (gradio 4.44.1 in this build), never from requirements.txt. spaces requires gradio>=5.0, which the pinned gradio==4.44.1 is outside of."},
		{"the log shows the gradio line of requirements.txt",
			insert(spacesLog, first, "Collecting gradio==4.44.1 (from -r /tmp/requirements.txt (line 2))"),
			"Remove gradio==4.44.1 from requirements.txt and set sdk_version: in README.md to a Gradio version that spaces accepts (gradio>=5.0). The platform installs gradio at sdk_version; zgpu never writes it to requirements.txt.",
			"spaces requires gradio>=5.0"},
		{"spaces pinned in requirements.txt too",
			insert(spacesLog, first, "Collecting spaces==0.51.1 (from -r /tmp/requirements.txt (line 1))"),
			"Remove spaces and any gradio line from requirements.txt and set sdk_version: in README.md to a Gradio version that spaces accepts (gradio>=5.0). The platform installs gradio at sdk_version and spaces itself; zgpu never writes either to requirements.txt.",
			"a spaces pin in requirements.txt always loses."},
		{"requirements.txt against the SDK", sdkLog,
			"Remove gradio==4.44.1 from requirements.txt; if the app needs Gradio 4.44.1, set sdk_version: 4.44.1 in README.md. The platform installs gradio at sdk_version; zgpu never writes it to requirements.txt.",
			"(gradio 5.38.2 in this build), never from requirements.txt. The gradio==4.44.1 in requirements.txt asks for another version"},
		{"the log does not show which pin is the SDK's",
			strings.ReplaceAll(strings.ReplaceAll(sdkLog, "gradio[oauth,mcp]==5.38.2", "gradio"), "(from gradio[mcp,oauth]==5.38.2)", ""),
			"Remove any gradio line from requirements.txt and set sdk_version: in README.md to the Gradio version the app needs (the log pins gradio==5.38.2 and gradio==4.44.1). The platform installs gradio at sdk_version; zgpu never writes it to requirements.txt.",
			"The log pins gradio==5.38.2 and gradio==4.44.1: one is the SDK's"},
		{"a range pin in requirements.txt",
			strings.ReplaceAll(sdkLog, "gradio==4.44.1", "gradio<5"),
			"Remove gradio<5 from requirements.txt; if the app needs gradio<5, set sdk_version: in README.md to a version it allows. The platform installs gradio at sdk_version; zgpu never writes it to requirements.txt.",
			"The gradio<5 in requirements.txt asks for another version"},
		{"another requirement excludes the SDK's gradio", gradioPDFConflict,
			"Remove any gradio line from requirements.txt and set sdk_version: in README.md to a Gradio version that gradio-pdf accepts (gradio<5.0,>=4.0). The platform installs gradio at sdk_version; zgpu never writes it to requirements.txt.",
			"gradio-pdf requires gradio<5.0,>=4.0, which the pinned gradio==5.38.2 is outside of."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := firstFinding(t, tt.log)
			if f.Kind != KindGradioPin {
				t.Errorf("kind %s, want %s", f.Kind, KindGradioPin)
			}
			if diff := cmp.Diff(tt.fix, f.Fix); diff != "" {
				t.Errorf("fix (-want +got):\n%s", diff)
			}
			if !strings.Contains(f.Cause, tt.cause) {
				t.Errorf("cause %q lacks %q", f.Cause, tt.cause)
			}
			if strings.Contains(f.Fix, "gradio[mcp] needs") || strings.Contains(f.Fix, "Relax or unpin gradio") {
				t.Errorf("fix tells to move gradio in requirements.txt: %q", f.Fix)
			}
		})
	}
}

// gradioPDFConflict is pip 24's report of a user requirement that needs
// another gradio than the SDK's.
const gradioPDFConflict = `--> RUN --mount=target=/tmp/requirements.txt,source=requirements.txt     pip install --no-cache-dir -r /tmp/requirements.txt gradio[oauth,mcp]==5.38.2 "uvicorn>=0.14.0" spaces
Collecting gradio==5.38.2 (from gradio[mcp,oauth]==5.38.2)
  Downloading gradio-5.38.2-py3-none-any.whl.metadata (16 kB)
Collecting gradio-pdf==0.0.3 (from -r /tmp/requirements.txt (line 2))
  Downloading gradio_pdf-0.0.3-py3-none-any.whl.metadata (3.2 kB)
ERROR: Cannot install -r /tmp/requirements.txt (line 2) and gradio[mcp,oauth]==5.38.2 because these package versions have conflicting dependencies.

The conflict is caused by:
    The user requested gradio==5.38.2
    gradio-pdf 0.0.3 depends on gradio<5.0,>=4.0

To fix this you could try to:
1. loosen the range of package versions you've specified
2. remove package versions to allow pip to attempt to solve the dependency conflict

ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts
`

// TestSpec checks how the specifiers of a conflict block are cleaned.
func TestSpec(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{">=5.0", ">=5.0"},
		{"<2.12 and >=2.11.10; extra == \"mcp\"", "<2.12,>=2.11.10"},
		{"<3, >=1", "<3,>=1"},
		{"4.44.1 (from https://files.pythonhosted.org/packages/py3/g/gradio/gradio-4.44.1-py3-none-any.whl#sha256=c9088 (from https://pypi.org/simple/gradio/) (requires-python:>=3.8))", "==4.44.1"},
		{"2.0; python_version < \"3.9\"", "==2.0"},
		{"==2.*", "==2.*"},
		{"garbage (from", "garbage(from"},
	}
	for _, tt := range tests {
		if got := spec(tt.in); got != tt.want {
			t.Errorf("spec(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestObserveSDK checks which lines give the Gradio SDK's version: the
// builder's pip command and pip collecting the base of its extras, never a
// gradio of requirements.txt.
func TestObserveSDK(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"the builder's command", []string{`RUN --mount=target=/tmp/requirements.txt,source=requirements.txt     pip install --no-cache-dir -r /tmp/requirements.txt gradio[oauth,mcp]==5.49.1 "uvicorn>=0.14.0" spaces`}, "5.49.1"},
		{"quoted", []string{`pip install --no-cache-dir -r /tmp/requirements.txt "gradio[oauth]==4.44.1" "uvicorn>=0.14.0" spaces`}, "4.44.1"},
		{"pip collects the base of the extras", []string{"Collecting gradio==5.38.2 (from gradio[mcp,oauth]==5.38.2)"}, "5.38.2"},
		{"requirements.txt's gradio", []string{"Collecting gradio==4.44.1 (from -r /tmp/requirements.txt (line 2))"}, ""},
		{"a gradio without extras", []string{"RUN pip install gradio==4.44.1"}, ""},
		{"a requirement of gradio's", []string{"Collecting aiofiles<24.0,>=22.0 (from gradio==4.44.1->gradio[mcp]==4.44.1)"}, ""},
		{"the first one counts", []string{"pip install -r /tmp/requirements.txt gradio[oauth]==5.0.1", "Collecting gradio==5.38.2 (from gradio[oauth]==5.38.2)"}, "5.0.1"},
		{"not a version", []string{"pip install gradio[oauth]==abc"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScan(nil, testCatalog())
			for _, l := range tt.lines {
				s.observe(l)
			}
			if s.sdkGradio != tt.want {
				t.Errorf("sdk gradio %q, want %q", s.sdkGradio, tt.want)
			}
		})
	}
}
