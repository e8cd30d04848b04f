package wheeltags

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

var py312 = Target{Python: [2]int{3, 12}, Glibc: [2]int{2, 36}, Arch: "x86_64"}

func TestExplain(t *testing.T) {
	tests := []struct{ file, want string }{
		{"a-1-cp311-cp311-linux_x86_64.whl", "cp311 wheel, target is cp312"},
		{"a-1-cp313-abi3-manylinux_2_28_x86_64.whl", "abi3 wheel for cp313 and newer, target is cp312"},
		{"a-1-pp310-pypy310_pp73-linux_x86_64.whl", "pp310 wheel, target is cp312"},
		{"a-1-cp312-cp312-macosx_11_0_arm64.whl", "macOS platform macosx_11_0_arm64, target is linux_x86_64"},
		{"a-1-cp312-cp312-win_amd64.whl", "Windows platform win_amd64, target is linux_x86_64"},
		{"a-1-cp312-cp312-linux_aarch64.whl", "aarch64 platform linux_aarch64, target is x86_64"},
		{"a-1-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl",
			"aarch64 platform manylinux_2_17_aarch64, target is x86_64; aarch64 platform manylinux2014_aarch64, target is x86_64"},
		{"a-1-cp312-cp312-musllinux_1_2_x86_64.whl", "musllinux platform musllinux_1_2_x86_64, target uses glibc"},
		{"a-1-cp312-cp312-manylinux_2_39_x86_64.whl", "manylinux_2_39_x86_64 needs glibc 2.39, target has 2.36"},
		{"a-1-cp312-cp312t-linux_x86_64.whl", "ABI cp312t, target accepts cp312, abi3, none"},
		{"a-1-py3-cp312-linux_x86_64.whl", "no supported combination in py3-cp312-linux_x86_64"},
		{"a-1-cp312-cp312-linux_x86_64.whl", ""},
		{"a-1-cp39-abi3-linux_x86_64.whl", ""},
		{"a-1-py3-none-any.whl", ""},
	}
	for _, tt := range tests {
		w, err := ParseWheelFilename(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if got := py312.Explain(w.Tags); got != tt.want {
			t.Errorf("Explain(%s)\n got %q\nwant %q", tt.file, got, tt.want)
		}
	}
}

func TestBest(t *testing.T) {
	files := []string{
		"flash_attn-2.8.3.tar.gz",
		"flash_attn-2.8.3-cp311-cp311-linux_x86_64.whl",
		"flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
		"flash_attn-2.8.3-cp312-cp312-manylinux_2_28_x86_64.whl",
		"flash_attn-2.8.3-cp312-cp312-macosx_11_0_arm64.whl",
		"flash_attn-2.8.2-cp312-cp312-manylinux_2_35_x86_64.whl",
		"flash_attn-2.8.3-1-cp312-cp312-manylinux_2_28_x86_64.whl",
		"flash_attn-2.8.3-2-cp312-cp312-manylinux_2_28_x86_64.whl",
		"flash_attn-2.8.3-cp312-abi3-manylinux_2_28_x86_64.whl",
		"flash attn-2.8.3-cp312-cp312-linux_x86_64.whl",
		"README.md",
	}
	best, skipped := Best(files, py312)
	if want := "flash_attn-2.8.3-2-cp312-cp312-manylinux_2_28_x86_64.whl"; best != want {
		t.Errorf("Best = %q, want %q", best, want)
	}
	type row struct {
		File string
		Kind SkipKind
	}
	var got []row
	for _, s := range skipped {
		got = append(got, row{s.Filename, s.Kind})
		if s.Reason == "" {
			t.Errorf("%s: empty reason", s.Filename)
		}
	}
	want := []row{
		{"flash_attn-2.8.3.tar.gz", NotWheel},
		{"flash_attn-2.8.3-cp311-cp311-linux_x86_64.whl", Incompatible},
		{"flash_attn-2.8.3-cp312-cp312-macosx_11_0_arm64.whl", Incompatible},
		{"flash attn-2.8.3-cp312-cp312-linux_x86_64.whl", BadFilename},
		{"README.md", NotWheel},
		{"flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl", Worse},
		{"flash_attn-2.8.3-cp312-cp312-manylinux_2_28_x86_64.whl", Worse},
		{"flash_attn-2.8.2-cp312-cp312-manylinux_2_35_x86_64.whl", Worse},
		{"flash_attn-2.8.3-1-cp312-cp312-manylinux_2_28_x86_64.whl", Worse},
		{"flash_attn-2.8.3-cp312-abi3-manylinux_2_28_x86_64.whl", Worse},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[s.Filename] = s.Reason
	}
	for file, reason := range map[string]string{
		"flash_attn-2.8.3-cp311-cp311-linux_x86_64.whl":            "cp311 wheel, target is cp312",
		"flash_attn-2.8.2-cp312-cp312-manylinux_2_35_x86_64.whl":   "version 2.8.2 is older than the chosen 2.8.3",
		"flash_attn-2.8.3-1-cp312-cp312-manylinux_2_28_x86_64.whl": `build tag "1" is lower than the chosen "2"`,
		"flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl":            "tag rank 35 is worse than the chosen 8",
		"flash_attn-2.8.3.tar.gz":                                  "source distribution, not a wheel",
	} {
		if reasons[file] != reason {
			t.Errorf("reason for %s\n got %q\nwant %q", file, reasons[file], reason)
		}
	}
}

func TestBestNone(t *testing.T) {
	best, skipped := Best([]string{"a-1-cp310-cp310-linux_x86_64.whl"}, py312)
	if best != "" || len(skipped) != 1 || skipped[0].Kind != Incompatible {
		t.Errorf("Best = %q, %+v; want no choice and one incompatible file", best, skipped)
	}
}

func TestPlatformsOrder(t *testing.T) {
	got := Target{Python: [2]int{3, 10}, Glibc: [2]int{2, 18}}.Platforms()
	want := []string{
		"manylinux_2_18_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
		"manylinux_2_16_x86_64", "manylinux_2_15_x86_64", "manylinux_2_14_x86_64", "manylinux_2_13_x86_64",
		"manylinux_2_12_x86_64", "manylinux2010_x86_64",
		"manylinux_2_11_x86_64", "manylinux_2_10_x86_64", "manylinux_2_9_x86_64", "manylinux_2_8_x86_64",
		"manylinux_2_7_x86_64", "manylinux_2_6_x86_64", "manylinux_2_5_x86_64", "manylinux1_x86_64",
		"linux_x86_64",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Platforms (-want +got):\n%s", diff)
	}
}

func TestSupportedTagsOtherImplementation(t *testing.T) {
	if tags := (Target{Python: [2]int{3, 10}, Implementation: "pp"}).SupportedTags(); tags != nil {
		t.Errorf("pp target: got %d tags, want none", len(tags))
	}
}
