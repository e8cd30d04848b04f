// Package diagnose explains a failed Hugging Face Space build, or a Space
// that crashed at start, from its log: which known failure it is, the log
// lines that show it, the cause in plain words, the fix, and the zgpu command
// that applies it.
//
// # Input
//
// A log is plain text as the Space's Build and Container tabs, docker build
// and docker logs print it. Each line is cleaned before it is read:
//
//   - ANSI escape sequences (CSI, OSC) and other control characters are
//     dropped; a '\r' inside a line is a terminal overwrite and only the text
//     after the last one is kept; CRLF line ends are accepted;
//   - a BuildKit prefix "#12 34.56 ", an RFC 3339 timestamp and the Space
//     builder's "--> " marker are removed, then blanks at both ends;
//   - lines longer than 4096 bytes are cut.
//
// Line numbers count '\n' in the input, as an editor does.
//
// # Patterns
//
// The known failures are data: a table of rules (rules.go), each a set of
// literal strings that appear in real pip, setup.py, Docker and Python
// output, the kind of failure, and cause/fix/command templates with the
// source they come from (zerogpu-rules.md, "Known errors", as Hugging Face's
// guidance stood in 2026-07; pip's own messages; domain-facts.md §1.1 for
// setup.py wheel naming). Lines are matched in one pass that tracks the
// package pip is working on ("Collecting X", "Building wheel for X") and
// whether the app has started ("===== Application Startup", a traceback
// frame in /home/user/app), so that the same text ("CUDA_HOME environment
// variable is not set") means a source build of an extension during the
// build and a JIT compilation at run time.
//
// Some lines only add evidence ("Guessing wheel URL:" is printed by every
// flash-attn build, also the successful ones); some are symptoms that rank
// after any error (pip's backtracking notices). The first error in the log is
// the finding that counts, Report.Findings[0]; the later ones are "also
// seen", since they are often consequences of the first.
//
// # CUDA extension builds
//
// For flash-attn, mamba-ssm and causal-conv1d the wheel URL that setup.py
// tried is taken from the log when printed, or rebuilt (SetupPyWheelURL)
// from the versions the log shows: the package version from "Collecting
// flash-attn==2.7.3" or the sdist name, torch from "Successfully installed",
// "Requirement already satisfied" or a torch wheel name, Python from
// site-packages paths, the base image or cpXY-cpXY tags. Where the log is
// silent the platform's defaults are assumed and the finding says so. The
// guessed name is read with cudalabel and compared with the release build
// matrices of flash-attn and the catalog's snapshot to say why it does not
// exist, and the snapshot gives a real wheel that fits an allowed torch.
//
// # Deviations
//
// The setup.py naming rules are those read at the cited tags; the CUDA-13
// binning of mamba-ssm is inferred from flash-attn's. The flash-attn build
// matrices list what the publish workflow built; assets uploaded later are
// known only where domain-facts.md or the snapshot records them, so "not in
// the build matrix" may in rare cases be wrong about a hand-added asset.
package diagnose
