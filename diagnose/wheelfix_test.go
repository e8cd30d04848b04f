package diagnose

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// flashAttnBuild is the end of a flash-attn 2.7.3 source build that fails
// without nvcc; the tests put the lines that show torch before it.
const flashAttnBuild = `Collecting flash-attn==2.7.3 (from -r /tmp/requirements.txt (line 2))
  Downloading flash_attn-2.7.3.tar.gz (3.2 MB)
  Building wheel for flash-attn (setup.py): started
      OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.
`

// TestTorchFromLog checks that the torch (and Python) a log shows, in any of
// the forms pip prints, is the one the guessed wheel URL, the target and the
// commands are built for, and that the platform's torch is assumed only when
// the log shows none.
func TestTorchFromLog(t *testing.T) {
	type want struct {
		Torch, Python string // Facts
		URL           string // the wheel name setup.py asked for
		Target        string // the target torch
		Command       string // the second command (wheel find)
		Assumed       string // a substring of the only assumption; "" for none
	}
	tests := []struct {
		name, log string
		want      want
	}{
		{"metadata download", "Collecting torch<2.9 (from -r /tmp/requirements.txt (line 1))\n  Downloading torch-2.8.0-cp312-cp312-manylinux_2_28_x86_64.whl.metadata (30 kB)\n",
			want{"2.8.0", "3.12", "flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "2.8.0", "zgpu wheel find flash-attn --python 3.12 --torch 2.8", ""}},
		{"metadata URL of a local version", "  Downloading https://download-r2.pytorch.org/whl/cu128/torch-2.8.0%2Bcu128-cp311-cp311-manylinux_2_28_x86_64.whl.metadata (29 kB)\n",
			want{"2.8.0", "3.11", "flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp311-cp311-linux_x86_64.whl", "2.8.0", "zgpu wheel find flash-attn --python 3.11 --torch 2.8", ""}},
		{"collecting a pin", "Collecting torch==2.8.0 (from -r /tmp/requirements.txt (line 1))\n",
			want{"2.8.0", "", "flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", "2.8.0", "zgpu wheel find flash-attn --python 3.10 --torch 2.8", "Python 3.10"}},
		{"cached wheel", "Collecting torch (from -r /tmp/requirements.txt (line 1))\n  Using cached torch-2.8.0-cp312-cp312-manylinux_2_28_x86_64.whl (888.1 MB)\n",
			want{"2.8.0", "3.12", "flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "2.8.0", "zgpu wheel find flash-attn --python 3.12 --torch 2.8", ""}},
		{"the wheel downloaded wins over metadata read while backtracking",
			"  Downloading torch-2.9.1-cp312-cp312-manylinux_2_28_x86_64.whl.metadata (30 kB)\n  Downloading torch-2.8.0-cp312-cp312-manylinux_2_28_x86_64.whl (888.1 MB)\n  Downloading torch-2.10.0-cp312-cp312-manylinux_2_28_x86_64.whl.metadata (30 kB)\n",
			want{"2.8.0", "3.12", "flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "2.8.0", "zgpu wheel find flash-attn --python 3.12 --torch 2.8", ""}},
		{"installed wins over later metadata", "Successfully installed torch-2.9.1\n  Downloading torch-2.10.0-cp312-cp312-manylinux_2_28_x86_64.whl.metadata (30 kB)\n",
			want{"2.9.1", "3.12", "flash_attn-2.7.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl", "2.9.1", "zgpu wheel find flash-attn --python 3.12 --torch 2.9", ""}},
		{"no torch in the log", "",
			want{"", "", "flash_attn-2.7.3+cu12torch2.13cxx11abiTRUE-cp310-cp310-linux_x86_64.whl", "2.13.0", "zgpu wheel find flash-attn --python 3.10 --torch 2.13", "preinstalled"}},
	}
	c := testCatalog()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose([]byte(tt.log+flashAttnBuild), c)
			if len(r.Findings) != 1 || r.Findings[0].Wheel == nil {
				t.Fatalf("findings %+v", r.Findings)
			}
			f := r.Findings[0]
			got := want{Torch: r.Facts.Torch, Python: r.Facts.Python, URL: wheelBase(f.Wheel.URL), Target: f.Wheel.Target.Torch}
			if len(f.Commands) > 1 {
				got.Command = f.Commands[1]
			}
			if tt.want.Assumed != "" && len(f.Assumed) > 0 {
				for _, a := range f.Assumed {
					if strings.Contains(a, tt.want.Assumed) {
						got.Assumed = tt.want.Assumed
					}
				}
			}
			if tt.want.Assumed == "" && len(f.Assumed) > 0 {
				got.Assumed = strings.Join(f.Assumed, "; ")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if strings.Contains(f.Fix, "torch 2.11") && tt.want.Target != "2.11.0" {
				t.Errorf("fix speaks of torch 2.11: %s", f.Fix)
			}
		})
	}
}

// TestTorchFromGuessedURL checks that when setup.py printed the wheel URL it
// guessed but the log shows no torch version, the torch of that name is the
// target, and the assumption says where it comes from.
func TestTorchFromGuessedURL(t *testing.T) {
	log := `Collecting flash-attn==2.7.3 (from -r /tmp/requirements.txt (line 2))
  Building wheel for flash-attn (setup.py): started
      Guessing wheel URL:  https://github.com/Dao-AILab/flash-attention/releases/download/v2.7.3/flash_attn-2.7.3+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl
      Precompiled wheel not found. Building from source...
      OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.
`
	r := Diagnose([]byte(log), testCatalog())
	if len(r.Findings) != 1 || r.Findings[0].Wheel == nil {
		t.Fatalf("findings %+v", r.Findings)
	}
	f := r.Findings[0]
	if r.Facts.Torch != "" {
		t.Errorf("facts torch %q, want none (the log states no version)", r.Facts.Torch)
	}
	if f.Wheel.Target.Torch != "2.9.1" || f.Wheel.Target.Python != "3.12" {
		t.Errorf("target %+v, want torch 2.9.1, Python 3.12", f.Wheel.Target)
	}
	want := []string{"torch 2.9.1 (the torch 2.9 in the wheel name setup.py printed; the log shows no torch version)"}
	if diff := cmp.Diff(want, f.Assumed); diff != "" {
		t.Errorf("assumed (-want +got):\n%s", diff)
	}
	if len(f.Commands) < 2 || f.Commands[1] != "zgpu wheel find flash-attn --python 3.12 --torch 2.9" {
		t.Errorf("commands %q", f.Commands)
	}
}

// TestUnpinFirst checks that the fix says to move the user's requirement of
// a CUDA extension before running zgpu deps resolve exactly when no version
// it allows has a wheel that fits, and names the versions that do.
func TestUnpinFirst(t *testing.T) {
	const torch28 = "Successfully installed torch-2.8.0\n  Building wheel for flash-attn (setup.py): started\n"
	const fail = "      OSError: CUDA_HOME environment variable is not set. Please set it to your CUDA install root.\n"
	const guess273 = "      Guessing wheel URL:  https://github.com/Dao-AILab/flash-attention/releases/download/v2.7.3/flash_attn-2.7.3+cu12torch2.8cxx11abiTRUE-cp310-cp310-linux_x86_64.whl\n"
	tests := []struct {
		name string
		log  string
		want string // the first sentence of the fix; "" for none
	}{
		{"an exact pin without a wheel",
			"Collecting flash-attn==2.7.3 (from -r /tmp/requirements.txt (line 2))\n" + torch28 + guess273 + fail,
			"First unpin flash-attn==2.7.3 in requirements.txt or raise it to flash-attn>=2.8.3, then run the command below: flash-attn 2.7.3 has no prebuilt wheel for Python 3.10, torch 2.8, CUDA 12, cxx11 ABI (the catalog knows wheels that fit for flash-attn 2.8.3), and zgpu deps resolve keeps the requirement, so it would stop with no wheel that fits."},
		{"a pin in pre-requirements.txt",
			"Collecting flash-attn==2.7.3 (from -r /tmp/pre-requirements.txt (line 3))\n" + torch28 + guess273 + fail,
			"First unpin flash-attn==2.7.3 in pre-requirements.txt or raise it to flash-attn>=2.8.3, then run the command below: flash-attn 2.7.3 has no prebuilt wheel for Python 3.10, torch 2.8, CUDA 12, cxx11 ABI (the catalog knows wheels that fit for flash-attn 2.8.3), and zgpu deps resolve keeps the requirement, so it would stop with no wheel that fits."},
		{"a range that allows no version with a wheel",
			"Collecting flash-attn<2.8 (from -r /tmp/requirements.txt (line 2))\n  Downloading flash_attn-2.7.4.post1.tar.gz (6.0 MB)\n" + torch28 + fail,
			"First unpin flash-attn<2.8 in requirements.txt or raise it to flash-attn>=2.8.3, then run the command below: no version that flash-attn<2.8 allows has a known prebuilt wheel for Python 3.10, torch 2.8, CUDA 12, cxx11 ABI (the catalog knows wheels that fit for flash-attn 2.8.3), and zgpu deps resolve keeps the requirement, so it would stop with no wheel that fits."},
		{"no requirement line in the log",
			torch28 + guess273 + fail,
			"If requirements.txt pins flash-attn==2.7.3, first unpin it or raise it to flash-attn>=2.8.3, then run the command below: flash-attn 2.7.3 has no prebuilt wheel for Python 3.10, torch 2.8, CUDA 12, cxx11 ABI (the catalog knows wheels that fit for flash-attn 2.8.3), and zgpu deps resolve keeps a pin, so it would stop with no wheel that fits."},
		{"unpinned: the resolve picks a version with a wheel",
			"Collecting flash-attn (from -r /tmp/requirements.txt (line 2))\n  Downloading flash_attn-2.7.3.tar.gz (3.2 MB)\n" + torch28 + guess273 + fail,
			""},
		{"a range that allows a version with a wheel",
			"Collecting flash-attn>=2.7 (from -r /tmp/requirements.txt (line 2))\n  Downloading flash_attn-2.8.3.tar.gz (8.4 MB)\n" + torch28 + fail,
			""},
		{"a pinned version the release matrix builds for the target, unknown to the snapshot",
			"--> FROM docker.io/library/python:3.12\nCollecting flash-attn==2.8.2 (from -r /tmp/requirements.txt (line 2))\n  Downloading flash_attn-2.8.2.tar.gz (8.2 MB)\n" + torch28 + fail,
			""},
		{"a pinned version the release matrix does not build for the target",
			"--> FROM docker.io/library/python:3.11\nCollecting flash-attn==2.8.2 (from -r /tmp/requirements.txt (line 2))\n  Downloading flash_attn-2.8.2.tar.gz (8.2 MB)\n" + torch28 + fail,
			"First unpin flash-attn==2.8.2 in requirements.txt or raise it to flash-attn>=2.8.3, then run the command below: flash-attn 2.8.2 has no prebuilt wheel for Python 3.11, torch 2.8, CUDA 12, cxx11 ABI (the catalog knows wheels that fit for flash-attn 2.8.3, 2.8.3.post1), and zgpu deps resolve keeps the requirement, so it would stop with no wheel that fits."},
		{"a pinned version that has a wheel",
			"Collecting flash-attn==2.8.3 (from -r /tmp/requirements.txt (line 2))\n  Downloading flash_attn-2.8.3.tar.gz (8.4 MB)\n" + torch28 + fail,
			""},
	}
	c := testCatalog()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Diagnose([]byte(tt.log), c)
			if len(r.Findings) != 1 {
				t.Fatalf("findings %+v", r.Findings)
			}
			f := r.Findings[0]
			got := ""
			if first, _, ok := strings.Cut(f.Fix, " Install flash-attn from"); ok && first != "" {
				got = first
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("first step of the fix (-want +got):\n%s", diff)
			}
			if len(f.Commands) == 0 || f.Commands[0] != "zgpu deps resolve -o requirements.txt" {
				t.Errorf("commands %q", f.Commands)
			}
		})
	}
}
