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
// The platform's own list of allowed torch versions, when the log prints it
// ("CONFIG_ERROR: ... Supported versions: 2.13.0, 2.12.1, ..."), is trusted
// over the catalog's for the whole report (the catalog is dated and may lag);
// when the two differ the fix says so and names `zgpu catalog update`.
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
// flash-attn==2.7.3" or the sdist name; torch from "Successfully installed",
// "Requirement already satisfied", torch.__version__, a torch wheel name
// ("Using cached torch-2.8.0-cp312-...whl"), a metadata download ("Downloading
// torch-2.8.0-cp312-...whl.metadata", weaker than the wheel: pip reads the
// metadata of every release it considers) or "Collecting torch==2.8.0";
// Python from site-packages paths, the base image or cpXY-cpXY tags. When
// the log shows no torch but setup.py printed its URL, the torch X.Y in that
// name is used. Where the log is silent the platform's defaults are assumed
// and the finding says so. The guessed name is read with cudalabel and
// compared with the release build matrices of flash-attn and the catalog's
// snapshot to say why it does not exist, and the snapshot gives a real wheel
// that fits an allowed torch.
//
// When the version pip built has no wheel that fits (below the catalog's
// minimum for the ZeroGPU GPU, outside the release's build matrix, or known
// to the snapshot with no fitting wheel) and the user's requirement allows
// no version that has one ("Collecting flash-attn==2.7.3 (from -r
// requirements.txt ...)"), zgpu deps resolve would keep that requirement and
// fail: the fix then says to unpin or raise it first, naming the versions
// the snapshot has fitting wheels for.
//
// # Resolution conflicts
//
// pip's "The conflict is caused by:" block is classified with pep440: a
// conflict is a spaces conflict only when the user's pin of spaces is one of
// its causes, or when a requirement of spaces excludes the version the user
// pins and the Gradio SDK's requirements do not ("spaces 0.51.1 depends on
// pydantic<3,>=1" next to pydantic==2.7.0 is no spaces conflict); a pin
// gradio disagrees with is an SDK conflict (sdk-conflict), whose fix adds
// that gradio[mcp] needs uvicorn>=0.31.1 and pydantic>=2.11.10 only when the
// pin is of uvicorn or pydantic.
//
// A conflict on gradio itself is a gradio pin conflict (rule id
// gradio-pin-conflict), checked first: pip names a pin of gradio ("The user
// requested gradio==4.44.1", from requirements.txt or from the builder's own
// "gradio[oauth,mcp]==<sdk_version>") and either a requirement of another
// project on gradio that excludes every version the pins select ("spaces
// 0.51.1 depends on gradio>=5.0"), or two pins of gradio that no version
// satisfies together (requirements.txt against sdk_version). gradio never
// belongs in requirements.txt (zerogpu-rules.md, What the platform installs
// itself): the fix removes the gradio line (and a spaces pin that takes
// part) and sets sdk_version in README.md to the Gradio version wanted,
// naming the range the other requirement accepts, or the version the user
// pinned when the log tells it apart from the SDK's (the builder's pip
// command and "Collecting gradio==X (from gradio[...]==X)" give the SDK's).
// A requirement of an extra on its own base ("gradio[mcp] 4.44.1 depends on
// gradio 4.44.1 (from https://...)") is read as "==4.44.1" and is no
// evidence either way.
//
// # Deviations
//
// The setup.py naming rules are those read at the cited tags; the CUDA-13
// binning of mamba-ssm is inferred from flash-attn's. The flash-attn build
// matrices list what the publish workflow built; assets uploaded later are
// known only where domain-facts.md or the snapshot records them, so "not in
// the build matrix" may in rare cases be wrong about a hand-added asset.
package diagnose
