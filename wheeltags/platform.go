package wheeltags

import (
	"fmt"
	"strconv"
	"strings"
)

// legacyGlibc maps the legacy manylinux names to their glibc versions.
var legacyGlibc = map[string][2]int{
	"manylinux1":    {2, 5},
	"manylinux2010": {2, 12},
	"manylinux2014": {2, 17},
}

// Manylinux parses a manylinux platform tag, PEP 600 "manylinux_2_28_x86_64"
// or a legacy alias "manylinux2014_x86_64", into the glibc version it needs
// and its architecture.
func Manylinux(platform string) (glibc [2]int, arch string, ok bool) {
	for name, v := range legacyGlibc {
		if rest, found := strings.CutPrefix(platform, name+"_"); found && rest != "" {
			return v, rest, true
		}
	}
	rest, found := strings.CutPrefix(platform, "manylinux_")
	if !found {
		return glibc, "", false
	}
	return versionArch(rest)
}

// Musllinux parses a PEP 656 platform tag "musllinux_1_2_x86_64" into the
// musl version it needs and its architecture.
func Musllinux(platform string) (musl [2]int, arch string, ok bool) {
	rest, found := strings.CutPrefix(platform, "musllinux_")
	if !found {
		return musl, "", false
	}
	return versionArch(rest)
}

// versionArch parses "2_28_x86_64" into {2, 28} and "x86_64".
func versionArch(s string) (v [2]int, arch string, ok bool) {
	parts := strings.SplitN(s, "_", 3)
	if len(parts) != 3 || parts[2] == "" {
		return v, "", false
	}
	for i := range 2 {
		n, err := strconv.Atoi(parts[i])
		if err != nil || n < 0 || parts[i][0] == '+' {
			return [2]int{}, "", false
		}
		v[i] = n
	}
	return v, parts[2], true
}

// PlatformArch returns the machine architecture a platform tag names:
// "x86_64" for linux_x86_64 and manylinux tags, "arm64" for
// macosx_11_0_arm64, "amd64" for win_amd64, "" for any or unknown forms.
func PlatformArch(platform string) string {
	if _, arch, ok := Manylinux(platform); ok {
		return arch
	}
	if _, arch, ok := Musllinux(platform); ok {
		return arch
	}
	if rest, ok := strings.CutPrefix(platform, "linux_"); ok {
		return rest
	}
	if rest, ok := strings.CutPrefix(platform, "macosx_"); ok {
		if parts := strings.SplitN(rest, "_", 3); len(parts) == 3 {
			return parts[2]
		}
	}
	if rest, ok := strings.CutPrefix(platform, "win_"); ok {
		return rest
	}
	if platform == "win32" {
		return "x86"
	}
	return ""
}

// explainPlatform says why the target does not support platform.
func (t Target) explainPlatform(platform string) string {
	arch := t.arch()
	switch {
	case strings.HasPrefix(platform, "macosx_"):
		return fmt.Sprintf("macOS platform %s, target is linux_%s", platform, arch)
	case strings.HasPrefix(platform, "win"):
		return fmt.Sprintf("Windows platform %s, target is linux_%s", platform, arch)
	case strings.HasPrefix(platform, "musllinux_"):
		return fmt.Sprintf("musllinux platform %s, target uses glibc", platform)
	}
	if glibc, parch, ok := Manylinux(platform); ok {
		if parch != arch {
			return fmt.Sprintf("%s platform %s, target is %s", parch, platform, arch)
		}
		if t.Glibc[0] < 2 {
			return fmt.Sprintf("manylinux platform %s, target has no glibc", platform)
		}
		return fmt.Sprintf("%s needs glibc %d.%d, target has %d.%d", platform, glibc[0], glibc[1], t.Glibc[0], t.Glibc[1])
	}
	if parch, ok := strings.CutPrefix(platform, "linux_"); ok && parch != arch {
		return fmt.Sprintf("%s platform %s, target is %s", parch, platform, arch)
	}
	return fmt.Sprintf("platform %s, target is linux_%s", platform, arch)
}
