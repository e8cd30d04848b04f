package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/zgpu/zgpu/pep440"
)

// BuildEnv is what a CUDA extension's setup.py reads from the environment it
// builds in to name the prebuilt wheel it tries to download.
type BuildEnv struct {
	Torch     pep440.Version // torch.__version__ (a local label such as +cu128 is ignored)
	CUDAMajor int            // torch.version.cuda, major
	CUDAMinor int            // torch.version.cuda, minor
	CXX11ABI  bool           // torch._C._GLIBCXX_USE_CXX11_ABI
	Python    string         // the interpreter, "3.10"
	Machine   string         // platform.uname().machine, "x86_64" when empty
}

// wheelScheme is how one package's setup.py names its prebuilt wheels.
type wheelScheme struct {
	dist string // the wheel's distribution name, "flash_attn"
	repo string // GitHub repository of the release assets
	// cuda returns the "cuXX" part for a package version and a torch CUDA.
	cuda func(v pep440.Version, major int) string
	// platform returns the platform tag for a package version and machine.
	platform func(v pep440.Version, machine string) string
}

var (
	v2_5_9   = pep440.MustParse("2.5.9")
	v2_6_1   = pep440.MustParse("2.6.1")
	v2_7_0   = pep440.MustParse("2.7.0")
	v2_8_3p1 = pep440.MustParse("2.8.3.post1")
	v2_2_3   = pep440.MustParse("2.2.3")
)

// cudaMajorTag is the "cuXX" part of setup.py scripts that bin a torch CUDA
// by major version only, 13 and later as 13: 11, 12 or 13.
func cudaMajorTag(major int) string {
	switch {
	case major == 11:
		return "11"
	case major >= 13:
		return "13"
	}
	return "12"
}

// schemes are the setup.py naming rules, from domain-facts.md §1.1 (flash-attn
// setup.py at v2.5.0..v2.8.3.post1 and main) and §2.2 (mamba-ssm,
// causal-conv1d setup.py).
var schemes = map[string]wheelScheme{
	"flash-attn": {
		dist: "flash_attn", repo: "Dao-AILab/flash-attention",
		cuda: func(v pep440.Version, major int) string {
			switch {
			case v.Less(v2_6_1): // <= 2.6.0.post1: 11 -> 11.8, anything else -> 12.2
				return ifElse(major == 11, "118", "122")
			case v.Less(v2_7_0): // 2.6.1 .. 2.6.3: anything but 11 -> 12.3
				return ifElse(major == 11, "118", "123")
			case v.Less(v2_8_3p1): // 2.7.0 ..: major only, anything but 11 -> 12 (before PR #2618)
				return ifElse(major == 11, "11", "12")
			}
			// PR #2618 (v2.8.3.post1 branch and main): CUDA 13 names cu13.
			return cudaMajorTag(major)
		},
		platform: func(v pep440.Version, machine string) string {
			if v.Less(v2_5_9) {
				return "linux_x86_64" // v2.5.0 hard-codes it
			}
			return "linux_" + machine
		},
	},
	"mamba-ssm": {
		dist: "mamba_ssm", repo: "state-spaces/mamba",
		cuda: func(v pep440.Version, major int) string {
			if v.Less(v2_2_3) { // <= 2.2.2: major+minor of the binned version
				return ifElse(major == 11, "118", "122")
			}
			return ifElse(major == 11, "11", "12")
		},
		platform: func(pep440.Version, string) string { return "linux_x86_64" },
	},
	"causal-conv1d": {
		dist: "causal_conv1d", repo: "Dao-AILab/causal-conv1d",
		cuda:     func(_ pep440.Version, major int) string { return cudaMajorTag(major) },
		platform: func(pep440.Version, string) string { return "linux_x86_64" },
	},
}

// SetupPyWheelURL returns the URL the setup.py of pkg (flash-attn, mamba-ssm
// or causal-conv1d) at version tries before it falls back to a source
// build:
//
//	https://github.com/{repo}/releases/download/v{version}/{dist}-{version}+cu{cuda}torch{X.Y}cxx11abi{TRUE|FALSE}-cp{XY}-cp{XY}-{platform}.whl
//
// The cuda part depends on the package version (see schemes). Deviations from
// the real setup.py: the local version label of version is dropped, and
// causal-conv1d's NGC-container torch segment ($NVIDIA_PYTORCH_VERSION) is
// not modelled.
func SetupPyWheelURL(pkg string, version pep440.Version, env BuildEnv) (string, error) {
	sc, ok := schemes[pkg]
	if !ok {
		return "", fmt.Errorf("no known wheel URL scheme for %q", pkg)
	}
	if version.IsZero() {
		return "", fmt.Errorf("no %s version", pkg)
	}
	if env.Torch.IsZero() {
		return "", fmt.Errorf("no torch version")
	}
	py, err := pythonTag(env.Python)
	if err != nil {
		return "", err
	}
	if env.CUDAMajor <= 0 {
		return "", fmt.Errorf("no CUDA version of torch")
	}
	machine := env.Machine
	if machine == "" {
		machine = "x86_64"
	}
	v := version.Public().String()
	tmaj, tmin := env.Torch.MajorMinor()
	name := fmt.Sprintf("%s-%s+cu%storch%d.%dcxx11abi%s-%s-%s-%s.whl",
		sc.dist, v, sc.cuda(version, env.CUDAMajor), tmaj, tmin,
		ifElse(env.CXX11ABI, "TRUE", "FALSE"), py, py, sc.platform(version, machine))
	return fmt.Sprintf("https://github.com/%s/releases/download/v%s/%s", sc.repo, v, name), nil
}

// pythonTag returns "cp310" for "3.10" or "3.10.13".
func pythonTag(py string) (string, error) {
	parts := strings.Split(py, ".")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" || !digits(parts[0]) || !digits(parts[1]) {
		return "", fmt.Errorf("expected a Python version X.Y, got %q", py)
	}
	return "cp" + parts[0] + parts[1], nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func ifElse[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}

// release is the build matrix of one flash-attn release: which wheels its
// publish workflow built (domain-facts.md §1.2, read from publish.yml at
// each tag, 2026-08). Assets added later by hand are in extra.
type release struct {
	versions []string // the tags this row covers, without "v"
	pyMin    int      // lowest Python 3.x minor
	pyMax    int      // highest Python 3.x minor
	torch    []string // torch segments in the names
	cuda     []string // cu segments in the names
	// extra lists assets added after tagging: "cu12torch2.8 cp312".
	extra []string
}

var flashAttnReleases = []release{
	{versions: []string{"2.5.8"}, pyMin: 7, pyMax: 11, torch: []string{"1.12", "1.13", "2.0", "2.1", "2.2", "2.3"}, cuda: []string{"118", "122"}},
	{versions: []string{"2.5.9.post1"}, pyMin: 7, pyMax: 12, torch: []string{"1.12", "1.13", "2.0", "2.1", "2.2", "2.3", "2.4"}, cuda: []string{"118", "122"}},
	{versions: []string{"2.6.0.post1"}, pyMin: 8, pyMax: 12, torch: []string{"2.0", "2.1", "2.2", "2.3", "2.4"}, cuda: []string{"118", "122"}},
	{versions: []string{"2.6.3"}, pyMin: 8, pyMax: 12, torch: []string{"2.0", "2.1", "2.2", "2.3", "2.4"}, cuda: []string{"118", "123"}},
	{versions: []string{"2.7.0.post2"}, pyMin: 8, pyMax: 12, torch: []string{"2.1", "2.2", "2.3", "2.4", "2.5"}, cuda: []string{"11", "12"}},
	{versions: []string{"2.7.2.post1", "2.7.3"}, pyMin: 9, pyMax: 13, torch: []string{"2.1", "2.2", "2.3", "2.4", "2.5", "2.6"}, cuda: []string{"11", "12"}},
	{versions: []string{"2.7.4.post1"}, pyMin: 9, pyMax: 13, torch: []string{"2.2", "2.3", "2.4", "2.5", "2.6"}, cuda: []string{"12"}},
	{versions: []string{"2.8.0.post2", "2.8.1", "2.8.2"}, pyMin: 9, pyMax: 13, torch: []string{"2.4", "2.5", "2.6", "2.7"}, cuda: []string{"12"},
		extra: []string{"cu12torch2.8 cp312", "cu12torch2.9 cp312", "cu12torch2.10 cp312", "cu13torch2.9 cp312"}},
	{versions: []string{"2.8.3", "2.8.3.post1"}, pyMin: 9, pyMax: 13, torch: []string{"2.4", "2.5", "2.6", "2.7", "2.8"}, cuda: []string{"12"},
		extra: []string{"cu12torch2.9 cp312", "cu13torch2.9 cp312", "cu13torch2.10 cp312"}},
}

// builds reports whether the release's publish workflow (or an asset added
// later) built a wheel for t's Python, torch major.minor and CUDA major.
func (r release) builds(t target) bool {
	tm, tn := t.torch.MajorMinor()
	tseg := fmt.Sprintf("%d.%d", tm, tn)
	py, err := pythonTag(t.python)
	if err != nil {
		return false
	}
	for _, e := range r.extra {
		seg, tag, _ := strings.Cut(e, " ")
		if tag == py && (seg == fmt.Sprintf("cu%dtorch%s", t.cudaMajor, tseg)) {
			return true
		}
	}
	minor, _ := cpMinor(py)
	if minor < r.pyMin || minor > r.pyMax || !slices.Contains(r.torch, tseg) {
		return false
	}
	return slices.ContainsFunc(r.cuda, func(cu string) bool { return strings.HasPrefix(cu, fmt.Sprint(t.cudaMajor)) })
}

// releaseOf returns the build matrix of a flash-attn version: its own row, or
// the row of the nearest documented release below it (nearest false).
func releaseOf(v pep440.Version) (r release, tag string, exact bool, ok bool) {
	var best pep440.Version
	for _, row := range flashAttnReleases {
		for _, s := range row.versions {
			rv := pep440.MustParse(s)
			if rv.Equal(v.Public()) {
				return row, s, true, true
			}
			if rv.Less(v) && (best.IsZero() || best.Less(rv)) {
				best, r, tag, ok = rv, row, s, true
			}
		}
	}
	return r, tag, false, ok
}
