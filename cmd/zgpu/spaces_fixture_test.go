package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/zgpu/zgpu/fakes"
)

// privateSpaceToken is the token of the private Space of the scenarios.
const privateSpaceToken = "hf_privateSpaceToken123"

// diagnoseLog returns a build or run log of diagnose's test corpus.
func diagnoseLog(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "diagnose", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// flashSpaceFiles are the files of a Space whose flash-attn line is the
// PyPI sdist.
var flashSpaceFiles = map[string]string{
	"README.md":        "---\ntitle: Flash demo\nsdk: gradio\nsdk_version: 5.49.1\npython_version: \"3.12\"\n---\n# demo\n",
	"requirements.txt": "torch==2.8.0\nflash-attn\ntransformers>=4.45\nspaces\n",
	"app.py":           "import spaces\n",
}

// safeSpaceFiles are the files of a Space zgpu leaves as they are.
var safeSpaceFiles = map[string]string{
	"README.md":        "---\nsdk: gradio\nsdk_version: 5.49.1\npython_version: \"3.12\"\n---\n",
	"requirements.txt": "torch==2.8.0\ntransformers>=4.45\n",
}

// addScriptSpaces serves the Spaces of the testscript scenarios:
//
//	alice/flash-demo    BUILD_ERROR on ZeroGPU: flash-attn built from its sdist
//	alice/private-demo  the same, private (privateSpaceToken)
//	alice/crash-demo    RUNTIME_ERROR on ZeroGPU: undefined symbol in flash_attn
//	alice/torch-config  CONFIG_ERROR: torch outside the allow-list (errorMessage only)
//	alice/cpu-demo      RUNNING on cpu-basic
//	alice/building      BUILDING, its build log never ends
//	alice/bad-line      a requirements.txt pip rejects
//	alice/pyproject-demo  a pyproject.toml project, torch outside the allow-list
//	auditorg/...        199 Spaces of mixed outcomes (addAuditSpaces)
func addScriptSpaces(tb testing.TB, hf *fakes.HubServer) {
	hf.AddSpace("alice/flash-demo", fakes.Space{
		Files: flashSpaceFiles, Stage: "BUILD_ERROR", Hardware: "zero-a10g",
		ErrorMessage: "Build failed with exit code: 1",
		BuildLog:     diagnoseLog(tb, "flash_attn_404.log"),
		Revisions:    map[string]map[string]string{"refs/pr/2": safeSpaceFiles},
	})
	hf.AddSpace("alice/private-demo", fakes.Space{
		Files: flashSpaceFiles, Stage: "BUILD_ERROR", Token: privateSpaceToken,
		BuildLog: diagnoseLog(tb, "flash_attn_404.log"),
	})
	hf.AddSpace("alice/crash-demo", fakes.Space{
		Files: safeSpaceFiles, Stage: "RUNTIME_ERROR", Hardware: "zero-a10g",
		ErrorMessage: "Exit code: 1. Reason: ImportError: flash_attn_2_cuda.cpython-310-x86_64-linux-gnu.so: undefined symbol",
		BuildLog:     "===== Build Queued =====\nSuccessfully installed flash-attn-2.7.3\n",
		RunLog:       diagnoseLog(tb, "runtime_undefined_symbol.log"),
	})
	hf.AddSpace("alice/torch-config", fakes.Space{
		Files: safeSpaceFiles, Stage: "CONFIG_ERROR", Hardware: "zero-a10g",
		ErrorMessage: "CONFIG_ERROR: torch version in requirements.txt is not compatible with ZeroGPU\ntorch==2.6.0",
	})
	hf.AddSpace("alice/cpu-demo", fakes.Space{
		Files: safeSpaceFiles, Stage: "RUNNING", Hardware: "cpu-basic",
	})
	hf.AddSpace("alice/building", fakes.Space{
		Files: safeSpaceFiles, Stage: "BUILDING", Hardware: "zero-a10g",
		BuildLog: "===== Build Queued =====\nCollecting torch==2.8.0\n", Hang: true,
		Revisions: map[string]map[string]string{"empty": {"app.py": "print(1)\n"}},
	})
	hf.AddSpace("alice/bad-line", fakes.Space{
		Files: map[string]string{"requirements.txt": "torch==2.8.0\nflash-attn (>=2\n"},
	})
	hf.AddSpace("alice/pyproject-demo", fakes.Space{
		Files: map[string]string{
			"README.md":      safeSpaceFiles["README.md"],
			"pyproject.toml": "[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.10\"\ndependencies = [\"torch==2.6.0\", \"transformers>=4.45\"]\n",
		},
	})
	addAuditSpaces(tb, hf, "auditorg", 199)
}

// addAuditSpaces serves n Spaces of owner, of mixed outcomes by index:
// i%10 == 0 a failed flash-attn build, 1 a runtime error, 2 a Space on
// cpu-basic, 3 a runtime error whose log stream never ends, 4 a config
// error, 5 a Space still building (its log never ends either); the rest
// run on ZeroGPU with safe requirements.
func addAuditSpaces(tb testing.TB, hf *fakes.HubServer, owner string, n int) {
	build := diagnoseLog(tb, "flash_attn_404.log")
	run := diagnoseLog(tb, "runtime_undefined_symbol.log")
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%s/space-%03d", owner, i)
		sp := fakes.Space{Files: safeSpaceFiles, Hardware: "zero-a10g"}
		switch i % 10 {
		case 0:
			sp.Files, sp.Stage, sp.BuildLog = flashSpaceFiles, "BUILD_ERROR", build
		case 1:
			sp.Stage, sp.RunLog = "RUNTIME_ERROR", run
		case 2:
			sp.Hardware = "cpu-basic"
		case 3:
			sp.Stage, sp.RunLog, sp.Hang = "RUNTIME_ERROR", run, true
		case 4:
			sp.Stage, sp.ErrorMessage = "CONFIG_ERROR", "CONFIG_ERROR: torch version in requirements.txt is not compatible with ZeroGPU\ntorch==2.6.0"
		case 5:
			sp.Stage, sp.BuildLog, sp.Hang = "BUILDING", "Collecting torch==2.8.0\n", true
		}
		hf.AddSpace(id, sp)
	}
}
