package diagnose

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/internal/testonly/shared"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/wheeltags"
)

func TestSetupPyWheelURL(t *testing.T) {
	const fa = "https://github.com/Dao-AILab/flash-attention/releases/download/"
	tests := []struct {
		name    string
		pkg     string
		version string
		env     BuildEnv
		want    string
	}{
		{"2.5.8 cu122 scheme", "flash-attn", "2.5.8", BuildEnv{Torch: v("2.3.0+cu121"), CUDAMajor: 12, CUDAMinor: 1, Python: "3.10"},
			fa + "v2.5.8/flash_attn-2.5.8+cu122torch2.3cxx11abiFALSE-cp310-cp310-linux_x86_64.whl"},
		{"2.5.9.post1 cuda 11", "flash-attn", "2.5.9.post1", BuildEnv{Torch: v("2.2.2"), CUDAMajor: 11, CUDAMinor: 8, Python: "3.11"},
			fa + "v2.5.9.post1/flash_attn-2.5.9.post1+cu118torch2.2cxx11abiFALSE-cp311-cp311-linux_x86_64.whl"},
		{"2.6.0.post1 still cu122", "flash-attn", "2.6.0.post1", BuildEnv{Torch: v("2.4.0"), CUDAMajor: 12, CUDAMinor: 4, CXX11ABI: true, Python: "3.12"},
			fa + "v2.6.0.post1/flash_attn-2.6.0.post1+cu122torch2.4cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"},
		{"2.6.3 cu123 scheme", "flash-attn", "2.6.3", BuildEnv{Torch: v("2.4.0"), CUDAMajor: 12, CUDAMinor: 1, Python: "3.10"},
			fa + "v2.6.3/flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-cp310-cp310-linux_x86_64.whl"},
		{"2.6.3 cuda 11", "flash-attn", "2.6.3", BuildEnv{Torch: v("2.3.1"), CUDAMajor: 11, CUDAMinor: 8, Python: "3.10"},
			fa + "v2.6.3/flash_attn-2.6.3+cu118torch2.3cxx11abiFALSE-cp310-cp310-linux_x86_64.whl"},
		{"2.7.3 major only", "flash-attn", "2.7.3", BuildEnv{Torch: v("2.8.0+cu128"), CUDAMajor: 12, CUDAMinor: 8, CXX11ABI: true, Python: "3.10"},
			fa + "v2.7.3/flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"},
		{"2.7.4.post1 CUDA 13 torch asks cu12", "flash-attn", "2.7.4.post1", BuildEnv{Torch: v("2.11.0"), CUDAMajor: 13, CXX11ABI: true, Python: "3.12"},
			fa + "v2.7.4.post1/flash_attn-2.7.4.post1+cu12torch2.11cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"},
		{"2.8.3 before PR 2618 asks cu12", "flash-attn", "2.8.3", BuildEnv{Torch: v("2.10.0"), CUDAMajor: 13, CXX11ABI: true, Python: "3.12"},
			fa + "v2.8.3/flash_attn-2.8.3+cu12torch2.10cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"},
		{"2.8.3.post1 after PR 2618 asks cu13", "flash-attn", "2.8.3.post1", BuildEnv{Torch: v("2.11.0"), CUDAMajor: 13, CXX11ABI: true, Python: "3.13"},
			fa + "v2.8.3.post1/flash_attn-2.8.3.post1+cu13torch2.11cxx11abiTRUE-cp313-cp313-linux_x86_64.whl"},
		{"aarch64 from 2.5.9", "flash-attn", "2.8.1", BuildEnv{Torch: v("2.9.1"), CUDAMajor: 12, CXX11ABI: true, Python: "3.12", Machine: "aarch64"},
			fa + "v2.8.1/flash_attn-2.8.1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_aarch64.whl"},
		{"2.5.0 hard-codes x86_64", "flash-attn", "2.5.0", BuildEnv{Torch: v("2.1.2"), CUDAMajor: 12, Python: "3.10", Machine: "aarch64"},
			fa + "v2.5.0/flash_attn-2.5.0+cu122torch2.1cxx11abiFALSE-cp310-cp310-linux_x86_64.whl"},
		{"local label dropped", "flash-attn", "2.8.3+local", BuildEnv{Torch: v("2.8.0"), CUDAMajor: 12, CXX11ABI: true, Python: "3.10.13"},
			fa + "v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"},
		{"mamba-ssm 2.2.2 cu122", "mamba-ssm", "2.2.2", BuildEnv{Torch: v("2.4.0"), CUDAMajor: 12, CUDAMinor: 4, Python: "3.10"},
			"https://github.com/state-spaces/mamba/releases/download/v2.2.2/mamba_ssm-2.2.2+cu122torch2.4cxx11abiFALSE-cp310-cp310-linux_x86_64.whl"},
		{"mamba-ssm 2.2.4 major only", "mamba-ssm", "2.2.4", BuildEnv{Torch: v("2.2.2"), CUDAMajor: 12, CXX11ABI: true, Python: "3.10"},
			"https://github.com/state-spaces/mamba/releases/download/v2.2.4/mamba_ssm-2.2.4+cu12torch2.2cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"},
		// The cu13 asset exists (real-wheel-filenames.txt:
		// mamba_ssm-2.3.2.post1+cu13torch2.10cxx11abiTRUE-cp310-...), named by
		// the release CI, but setup.py bins any CUDA but 11 to 12: on a CUDA 13
		// torch it asks for a cu12 name that is not there and builds with nvcc.
		// zgpu lists the release assets (wheelfind) and writes the cu13 wheel
		// by URL; diagnose rebuilds what setup.py asked for.
		{"mamba-ssm CUDA 13 asks cu12", "mamba-ssm", "2.3.2.post1", BuildEnv{Torch: v("2.10.0"), CUDAMajor: 13, CXX11ABI: true, Python: "3.10"},
			"https://github.com/state-spaces/mamba/releases/download/v2.3.2.post1/mamba_ssm-2.3.2.post1+cu12torch2.10cxx11abiTRUE-cp310-cp310-linux_x86_64.whl"},
		{"causal-conv1d CUDA 13", "causal-conv1d", "1.7.0", BuildEnv{Torch: v("2.11.0"), CUDAMajor: 13, CXX11ABI: true, Python: "3.11"},
			"https://github.com/Dao-AILab/causal-conv1d/releases/download/v1.7.0/causal_conv1d-1.7.0+cu13torch2.11cxx11abiTRUE-cp311-cp311-linux_x86_64.whl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SetupPyWheelURL(tt.pkg, v(tt.version), tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("SetupPyWheelURL(%s %s)\n got  %s\n want %s", tt.pkg, tt.version, got, tt.want)
			}
		})
	}
}

func TestSetupPyWheelURLErrors(t *testing.T) {
	env := BuildEnv{Torch: v("2.8.0"), CUDAMajor: 12, Python: "3.10"}
	tests := []struct {
		pkg  string
		ver  string
		env  BuildEnv
		want string
	}{
		{"xformers", "0.0.30", env, `no known wheel URL scheme for "xformers"`},
		{"flash-attn", "2.8.3", BuildEnv{Torch: v("2.8.0"), CUDAMajor: 12, Python: "three"}, `expected a Python version X.Y, got "three"`},
		{"flash-attn", "2.8.3", BuildEnv{CUDAMajor: 12, Python: "3.10"}, "no torch version"},
		{"flash-attn", "2.8.3", BuildEnv{Torch: v("2.8.0"), Python: "3.10"}, "no CUDA version of torch"},
	}
	for _, tt := range tests {
		_, err := SetupPyWheelURL(tt.pkg, v(tt.ver), tt.env)
		if err == nil || err.Error() != tt.want {
			t.Errorf("SetupPyWheelURL(%s, %s): error %v, want %q", tt.pkg, tt.ver, err, tt.want)
		}
	}
}

// TestSetupPyWheelURLRealAssets rebuilds the name of every real Dao-AILab
// and state-spaces asset in shared/domain/real-wheel-filenames.txt from the
// environment its own label states: setup.py must ask for exactly that name.
// The exceptions are assets whose cu segment setup.py cannot produce: cu13
// names uploaded by CI for flash-attn releases whose setup.py predates PR
// #2618, and mamba-ssm's cu13 names (its setup.py bins torch's CUDA to 11 or
// 12, domain-facts.md §2.2; no source shows it naming cu13).
func TestSetupPyWheelURLRealAssets(t *testing.T) {
	f, err := os.Open(filepath.Join(shared.Dir(t, "domain"), "real-wheel-filenames.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checked := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name := strings.TrimSpace(sc.Text())
		if !strings.Contains(name, "cxx11abi") || !strings.HasSuffix(name, ".whl") {
			continue
		}
		w, err := wheeltags.ParseWheelFilename(name)
		if err != nil {
			continue
		}
		if _, ok := schemes[w.Name]; !ok {
			continue
		}
		n := cudalabel.FromWheel(w)
		if !n.HasCUDA() || !n.HasTorch() || len(w.Tags) != 1 {
			continue
		}
		if n.CUDAMajor >= 13 && (w.Name == "flash-attn" && w.Version.Public().Less(v2_8_3p1) || w.Name == "mamba-ssm") {
			continue
		}
		tag := w.Tags[0]
		minor, ok := cpMinor(tag.Interpreter)
		if !ok {
			continue
		}
		env := BuildEnv{
			Torch:     v(n.Torch()),
			CUDAMajor: n.CUDAMajor, CUDAMinor: max(n.CUDAMinor, 0),
			CXX11ABI: n.CXX11ABI == cudalabel.ABITrue,
			Python:   "3." + itoa(minor),
			Machine:  strings.TrimPrefix(tag.Platform, "linux_"),
		}
		got, err := SetupPyWheelURL(w.Name, w.Version, env)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := wheelBase(got); got != name {
			t.Errorf("from the label of %s setup.py asks for\n  %s", name, got)
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("checked %d real assets, want at least 100", checked)
	}
	t.Logf("%d real asset names rebuilt", checked)
}

func TestWhyMissing(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		torch      string
		wantSubstr string
	}{
		{"torch outside the matrix", "flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", "2.8.0",
			"torch 2.8 is not in the build matrix of flash-attn v2.7.3"},
		{"CUDA 13 torch, cu12 name", "flash_attn-2.8.3+cu12torch2.11cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "2.11.0",
			"torch 2.11.0 is a CUDA 13 build, but this setup.py bins every CUDA but 11 to 12 and asks for a cu12 name"},
		{"cu11 after 2.7.4", "flash_attn-2.7.4.post1+cu11torch2.4cxx11abiFALSE-cp310-cp310-linux_x86_64.whl", "2.4.0",
			"flash-attn v2.7.4.post1 names its CUDA builds cu12; there is no cu11"},
		{"python 3.13 on 2.6.3", "flash_attn-2.6.3+cu123torch2.4cxx11abiFALSE-cp313-cp313-linux_x86_64.whl", "2.4.0",
			"flash-attn v2.6.3 has wheels for Python 3.8 to 3.12, not cp313"},
		{"python 3.13 with torch 2.4", "flash_attn-2.7.4.post1+cu12torch2.4cxx11abiTRUE-cp313-cp313-linux_x86_64.whl", "2.4.0",
			"the catalog knows a wheel of this name"},
		{"aarch64", "flash_attn-2.7.3+cu12torch2.5cxx11abiFALSE-cp310-cp310-linux_aarch64.whl", "2.5.1",
			"it asks for platform linux_aarch64"},
		{"nearest documented release", "flash_attn-2.7.1+cu12torch2.7cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", "2.7.1",
			"v2.7.0.post2 (the nearest documented release below v2.7.1)"},
		{"only another python", "flash_attn-2.8.3.post1+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", "2.8.0",
			"for torch 2.8 and CUDA 12 the catalog knows only these builds of v2.8.3.post1: cp311 cxx11abiFALSE linux_x86_64, cp311 cxx11abiTRUE linux_x86_64, cp312 cxx11abiFALSE linux_x86_64, cp312 cxx11abiTRUE linux_x86_64"},
		{"only the other ABI", "flash_attn-2.8.1+cu12torch2.8cxx11abiFALSE-cp312-cp312-linux_aarch64.whl", "2.8.0",
			"v2.8.1: cp312 cxx11abiFALSE linux_x86_64, cp312 cxx11abiTRUE linux_aarch64, cp312 cxx11abiTRUE linux_x86_64"},
		{"no such asset", "causal_conv1d-1.6.1+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", "2.8.0",
			"release v1.6.1 has no such asset (the catalog snapshot knows 1 wheels of that release"},
	}
	c := testCatalog()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := wheeltags.ParseWheelFilename(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			tv := v(tt.torch)
			cm, _, _ := torchFacts(c, tv)
			reasons, _ := whyMissing(w, cudalabel.FromWheel(w), tv, cm, true, c)
			got := strings.Join(reasons, "\n")
			if !strings.Contains(got, tt.wantSubstr) {
				t.Errorf("reasons:\n%s\nwant one containing %q", got, tt.wantSubstr)
			}
		})
	}
}

func TestSuggestWheel(t *testing.T) {
	c := testCatalog()
	tests := []struct {
		pkg, python, torch string
		want               string // filename, "" for none
	}{
		{"flash-attn", "3.10", "2.8.0", "flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl"},
		{"flash-attn", "3.12", "2.9.1", "flash_attn-2.8.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"},
		{"causal-conv1d", "3.12", "2.9.1", "causal_conv1d-1.6.2.post1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl"},
		{"mamba-ssm", "3.12", "2.11.0", ""},
	}
	for _, tt := range tests {
		tv := v(tt.torch)
		tg := target{python: tt.python, torch: tv}
		tg.cudaMajor, _, tg.abi = torchFacts(c, tv)
		got := ""
		if s := suggestWheel(tt.pkg, tg, c); s != nil {
			got = s.Filename
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("suggestWheel(%s, py %s, torch %s) (-want +got):\n%s", tt.pkg, tt.python, tt.torch, diff)
		}
	}
}

func v(s string) pep440.Version {
	if s == "" {
		return pep440.Version{}
	}
	return pep440.MustParse(s)
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
