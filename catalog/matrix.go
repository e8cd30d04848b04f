package catalog

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"

	"github.com/zgpu/zgpu/cudalabel"
	"github.com/zgpu/zgpu/pep440"
	"github.com/zgpu/zgpu/pep508"
)

// FamilyRow is one torch release and the side-cars built for it.
type FamilyRow struct {
	Torch       string `json:"torch"`
	Torchvision string `json:"torchvision"`
	Torchaudio  string `json:"torchaudio"`
	Triton      string `json:"triton"`
	// DefaultCUDA is the CUDA build of the PyPI Linux wheel ("cu128"), "" if unknown.
	DefaultCUDA string `json:"default_pypi_cuda"`
	// CXX11ABI: "TRUE", "FALSE" or "" when unknown.
	CXX11ABI  string `json:"cxx11abi"`
	Manylinux string `json:"manylinux"`
	Pythons   string `json:"python_versions"`
}

// ABI returns the C++ ABI of the PyPI build (CXX11ABI "TRUE" or "FALSE"),
// or cudalabel.ABIUnknown.
func (r FamilyRow) ABI() cudalabel.ABI {
	switch r.CXX11ABI {
	case "TRUE":
		return cudalabel.ABITrue
	case "FALSE":
		return cudalabel.ABIFalse
	}
	return cudalabel.ABIUnknown
}

// CUDAMajor returns the CUDA major version of the default PyPI build, or 0.
func (r FamilyRow) CUDAMajor() int {
	maj, _ := r.CUDA()
	return maj
}

// CUDA returns the CUDA major and minor of the default PyPI build
// ("cu128" is 12, 8; "cu130" is 13, 0), or 0, 0 when unknown.
func (r FamilyRow) CUDA() (major, minor int) {
	s := strings.TrimPrefix(r.DefaultCUDA, "cu")
	if len(s) < 3 || s == r.DefaultCUDA {
		return 0, 0
	}
	fmt.Sscanf(s[:2], "%d", &major)
	fmt.Sscanf(s[2:], "%d", &minor)
	return major, minor
}

func parseMatrix(data []byte) ([]FamilyRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("no rows")
	}
	unknown := func(s string) string {
		if s == "unknown" {
			return ""
		}
		return s
	}
	var rows []FamilyRow
	for i, rec := range recs[1:] {
		if len(rec) != 8 {
			return nil, fmt.Errorf("line %d: %d fields, want 8", i+2, len(rec))
		}
		if _, err := pep440.Parse(rec[0]); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+2, err)
		}
		rows = append(rows, FamilyRow{
			Torch: rec[0], Torchvision: unknown(rec[1]), Torchaudio: unknown(rec[2]), Triton: unknown(rec[3]),
			DefaultCUDA: unknown(rec[4]), CXX11ABI: unknown(rec[5]), Manylinux: unknown(rec[6]), Pythons: unknown(rec[7]),
		})
	}
	return rows, nil
}

// FamilyOf returns the family row of a torch version (local label ignored).
func (c *Catalog) FamilyOf(torch pep440.Version) (FamilyRow, bool) {
	pub := torch.Public()
	for _, r := range c.Family {
		if pep440.MustParse(r.Torch).Compare(pub) == 0 {
			return r, true
		}
	}
	return FamilyRow{}, false
}

// SidecarVersion returns the version of a side-car (torchvision, torchaudio,
// triton) built for torch, or "" when the matrix does not say.
func (c *Catalog) SidecarVersion(torch pep440.Version, sidecar string) string {
	r, ok := c.FamilyOf(torch)
	if !ok {
		return ""
	}
	switch pep508.NormalizeName(sidecar) {
	case "torchvision":
		return r.Torchvision
	case "torchaudio":
		return r.Torchaudio
	case "triton":
		return r.Triton
	}
	return ""
}

func parseSnapshot(data []byte) ([]SnapshotWheel, error) {
	var out []SnapshotWheel
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) != 8 {
			return nil, fmt.Errorf("line %d: %d fields, want 8", line, len(f))
		}
		out = append(out, SnapshotWheel{Package: f[0], Filename: f[1], URL: f[2], Kind: f[3], Location: f[4], Path: f[5], Confidence: f[6], Note: f[7]})
	}
	return out, sc.Err()
}
