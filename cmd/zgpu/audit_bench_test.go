package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/zgpu/zgpu/fakes"
)

// BenchmarkAudit200 runs `zgpu audit` as its own process (the test binary
// under the name zgpu, as testscript runs it) over 200 fake Spaces: the 199
// of auditorg that the paged listing returns (failed builds, runtime
// errors, cpu-basic Spaces, 20 runtime errors whose log stream never ends,
// config errors, builds in progress, healthy ones) and one that does not
// exist. Flags are the defaults (--jobs 8, --log-idle 3s: a failed
// Space's log read ends 1s after its last line), then more Spaces at once
// (--jobs 32), then a shorter wait on the 20 streams that never end
// (--log-idle 500ms), to show what they cost. The Hub fake adds 20
// ms to every request; each run starts with an empty cache. It reports
// the wall time per run, the child's peak RSS (peak-RSS-MiB, from
// getrusage) and the requests the fake received per run. A run must
// exit 1 (some Spaces fail) with the summary of all 200.
//
//	go test ./cmd/zgpu -run '^$' -bench Audit200 -benchtime 3x
func BenchmarkAudit200(b *testing.B) {
	hf := fakes.Hub(b, fakes.HubFixtures())
	addScriptSpaces(b, hf)
	hf.SetLatency(benchLatency)
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "zgpu")
	if err := os.Symlink(exe, bin); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, jobs, idle string }{{"jobs8", "8", "3s"}, {"jobs32", "32", "3s"}, {"jobs8-idle500ms", "8", "500ms"}} {
		b.Run(bc.name, func(b *testing.B) {
			var rss int64
			hf.ResetLog()
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(bin, "audit", "--author", "auditorg", "auditorg/space-404", "--jobs", bc.jobs, "--log-idle", bc.idle, "--json")
				cmd.Env = append(os.Environ(), "HF_ENDPOINT="+hf.URL, "ZGPU_ALLOW_HOSTS=127.0.0.1,localhost",
					"XDG_CACHE_HOME="+b.TempDir(), "HF_TOKEN=")
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				err := cmd.Run()
				if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stdout.String(), `"summary": "200 Spaces: 119 ok, 80 failing`) {
					b.Fatalf("exit %d (%v), want 1 with 200 Spaces\n%s", code, err, stderr.String())
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > rss {
					rss = ru.Maxrss // KiB on Linux
				}
			}
			b.ReportMetric(float64(rss)/1024, "peak-RSS-MiB")
			b.ReportMetric(float64(hf.Count())/float64(b.N), "requests/op")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/1000, "wall-s/op")
		})
	}
}
