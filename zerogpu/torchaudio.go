package zerogpu

import (
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/pep440"
)

// torchaudioCodec is the first torchaudio whose load and save go through
// TorchCodec (pytorch/audio PR #4212; zerogpu-rules.md Update 2026-12-07).
var torchaudioCodec = pep440.MustParse("2.9")

// checkTorchaudio warns when the file installs torchaudio 2.9 or later
// without what its load and save need: the torchcodec package (built for
// the Space's torch) and FFmpeg, which packages.txt installs.
func (p *planner) checkTorchaudio() {
	r := p.r
	var audio *Line
	hasCodec := false
	for i, l := range r.Lines {
		switch l.Name {
		case "torchaudio":
			audio = &r.Lines[i]
		case "torchcodec":
			hasCodec = true
		}
	}
	if audio == nil || !torchaudioNeedsCodec(*audio, r.Target.Torch) {
		return
	}
	// One cause (torchaudio's audio I/O moved to TorchCodec), one warning
	// with each fix it needs.
	var fixes []string
	if !hasCodec {
		spec := ""
		if t, err := pep440.Parse(r.Target.Torch); err == nil {
			if s, _, ok := p.c.SidecarSpec(t, "torchcodec"); ok {
				spec = s.String()
			}
		}
		fixes = append(fixes, fmt.Sprintf("add torchcodec%s (the releases built for torch %s) to the requirements", spec, r.Target.Torch))
	}
	if !hasFFmpeg(p.in.SystemPackages) {
		fixes = append(fixes, "add ffmpeg to packages.txt (TorchCodec needs the FFmpeg libraries)")
	}
	if len(fixes) > 0 {
		r.warnf("torchaudio 2.9 and later load and save audio through TorchCodec: %s, or torchaudio.load fails with \"TorchCodec is required\"", strings.Join(fixes, " and "))
	}
}

// torchaudioNeedsCodec reports whether the torchaudio line l installs a
// release of 2.9 or later: its pin, or, unpinned or a range, the release
// that goes with torch (>= 2.9 for torch >= 2.9).
func torchaudioNeedsCodec(l Line, torch string) bool {
	if req, ok := l.named(); ok {
		for _, s := range req.Specifiers {
			if s.Op == "==" || s.Op == "===" {
				v, err := pep440.Parse(s.Version)
				return err == nil && v.Compare(torchaudioCodec) >= 0
			}
		}
	}
	t, err := pep440.Parse(torch)
	return err == nil && t.Compare(torchaudioCodec) >= 0
}

// hasFFmpeg reports whether packages.txt lines install FFmpeg.
func hasFFmpeg(lines []string) bool {
	for _, l := range lines {
		l = strings.TrimSpace(strings.SplitN(l, "#", 2)[0])
		if l == "ffmpeg" || strings.HasPrefix(l, "libavcodec") || strings.HasPrefix(l, "ffmpeg=") {
			return true
		}
	}
	return false
}
