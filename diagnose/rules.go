package diagnose

// level says how much a matching line weighs.
type level int

const (
	// levelContext lines only add evidence to a finding of the same kind and
	// package that an error line opened ("Guessing wheel URL:" is printed by
	// every flash-attn build, also the ones that succeed).
	levelContext level = iota
	// levelSymptom lines open a finding on their own but rank after every
	// error ("INFO: pip is looking at multiple versions": backtracking is a
	// symptom unless nothing else went wrong).
	levelSymptom
	// levelError lines open a finding; the first one in the log is the
	// finding that counts.
	levelError
)

// phase restricts where in a log a rule applies.
type phase int

const (
	anyPhase     phase = iota
	buildPhase         // while pip installs: the line follows pip output, or no runtime marker was seen
	runtimePhase       // after the app started (a runtime marker was seen)
)

// Sources of the rules, with the date their text stood so.
const (
	srcRules     = "zerogpu-rules.md, Known errors (huggingface/skills huggingface-spaces references/known-errors.md, 2026-07)"
	srcSetupPy   = "domain-facts.md §1.1 (Dao-AILab/flash-attention setup.py v2.5.0..v2.8.3.post1, 2026-08)"
	srcPip       = "pip 24 resolver and build output (pip/_internal, 2024-2026)"
	srcRulesReqs = "zerogpu-rules.md, What the platform installs itself (huggingface/skills references/requirements.md, 2026-07)"
	srcUpdate    = "zerogpu-rules.md, Update 2026-12-07 (public Space build logs of 2026-09, pytorch/pytorch RELEASE.md)"
	srcAudio     = "pytorch/audio installation docs and PR #4212 (torchaudio 2.9 moved load/save to TorchCodec); meta-pytorch/torchcodec README (FFmpeg 4-7 required)"
)

// rule is one row of the table of known log patterns: the text that appears,
// the kind of failure it reveals and the cause, fix and zgpu command to report,
// as templates. Placeholders in braces ({pkg}, {torch}, ...) are filled by the
// kind's explainer from the facts read in the log; a placeholder with no value
// is replaced by a neutral word (see fill).
type rule struct {
	kind  Kind
	level level
	phase phase
	// any: the line matches when it contains one of these strings.
	any []string
	// not: the line does not match when it also contains one of these (a
	// more precise rule explains it).
	not []string
	// pkgOnly: the line counts only when the package being installed at that
	// point (see scanner.pkg) needs a prebuilt CUDA wheel.
	pkgOnly bool
}

// rules is the table of patterns, searched in order for each line; a line
// counts for every rule it matches, each kind once.
var rules = []rule{
	// CUDA extension built from source (flash-attn, mamba-ssm, causal-conv1d, ...).
	{kind: KindCUDABuild, level: levelContext, any: []string{
		"Guessing wheel URL:", "Precompiled wheel not found", "HTTP Error 404: Not Found",
	}},
	{kind: KindCUDABuild, level: levelError, phase: buildPhase, any: []string{
		"CUDA_HOME environment variable is not set",
		"nvcc was not found",
		"/usr/local/cuda/bin/nvcc'",
		"bare_metal_version",
		"No CUDA runtime is found",
		"unable to execute 'nvcc'",
		"nvcc: not found",
		"nvcc: command not found",
	}},
	// Promoted to an error only when no other error names the package (see groups).
	{kind: KindCUDABuild, level: levelContext, phase: buildPhase, pkgOnly: true, any: []string{
		"Failed building wheel for ", "Failed to build ", "did not run successfully",
	}},
	// CUDA code compiled at first use (torch.utils.cpp_extension.load) at runtime.
	{kind: KindJITCompile, level: levelError, phase: runtimePhase, any: []string{
		"CUDA_HOME environment variable is not set",
		"nvcc was not found",
		"/usr/local/cuda/bin/nvcc'",
		"Ninja is required to load C++ extensions",
	}},
	// setup.py imports torch inside pip's isolated build environment.
	{kind: KindBuildNoTorch, level: levelError, phase: buildPhase, any: []string{
		"No module named 'torch'", `No module named "torch"`,
	}},
	// torch pinned outside the allow-list.
	{kind: KindTorchNotAllowed, level: levelError, any: []string{
		"torch version in requirements.txt is not compatible with ZeroGPU",
	}},
	// pip resolution conflicts (refined into sdk-conflict, spaces-conflict,
	// gradio-pin-conflict).
	{kind: KindConflict, level: levelError, any: []string{
		"ResolutionImpossible",
		"because these package versions have conflicting dependencies",
	}},
	{kind: KindConflict, level: levelContext, any: []string{
		"The conflict is caused by:", "To fix this you could try to:",
	}},
	// A requirement no index can satisfy.
	{kind: KindNoDistribution, level: levelError, phase: buildPhase, any: []string{
		"Could not find a version that satisfies the requirement",
		"No matching distribution found for",
	}},
	// setuptools 81 removed pkg_resources.
	{kind: KindPkgResources, level: levelError, any: []string{
		"No module named 'pkg_resources'", `No module named "pkg_resources"`,
	}},
	// pip backtracking.
	{kind: KindSlowResolution, level: levelSymptom, phase: buildPhase, any: []string{
		"This is taking longer than usual",
		"pip is looking at multiple versions of",
		"pip is still looking at multiple versions of",
	}},
	// Runtime errors caused by dependencies.
	{kind: KindABIBreak, level: levelError, any: []string{"materialize_cow_storage", "c10_cuda_check_implementation"}},
	{kind: KindUndefinedSymbol, level: levelError, any: []string{"undefined symbol"},
		not: []string{"materialize_cow_storage", "c10_cuda_check_implementation"}},
	{kind: KindTorchvisionOp, level: levelError, any: []string{"operator torchvision::nms does not exist", "operator torchvision::"},
		not: []string{"(torchvision::"}},
	{kind: KindCusparseLt, level: levelError, any: []string{"libcusparseLt.so.0: cannot open shared object file"}},
	{kind: KindNoSpaces, level: levelError, any: []string{"No module named 'spaces'", `No module named "spaces"`}},
	{kind: KindNoGPUFunction, level: levelError, any: []string{"No @spaces.GPU function detected during startup"}},
	{kind: KindTorchCodec, level: levelError, any: []string{
		"TorchCodec is required for", "Could not load libtorchcodec", "torchcodec is not installed",
		"No module named 'torchcodec'",
	}},
	{kind: KindHfFolder, level: levelError, any: []string{"cannot import name 'HfFolder'"}},
	{kind: KindTorchDowngraded, level: levelError, any: []string{"cannot import name 'is_traceable_wrapper_subclass'"}},
	{kind: KindFlashAttnMissing, level: levelError, any: []string{
		"cannot import name 'flash_attn_varlen_func'",
		"flash_attn_2 can not be used because the package flash_attn seems to be not installed",
		"FlashAttention2 has been toggled on, but it cannot be used",
	}},
	{kind: KindNoKernelImage, level: levelError, any: []string{"no kernel image is available for execution on the device"}},
	{kind: KindJinja2Unhashable, level: levelError, any: []string{"'dict' object is not hashable"}},
	{kind: KindWeightsOnly, level: levelError, any: []string{"Weights only load failed"}},
}

// template is the text of a finding of one kind.
type template struct {
	title, cause, fix string
	commands          []string
	source            string
}

// templates gives, for each kind, the report text. Commands may be empty
// when the fix is outside zgpu's reach.
var templates = map[Kind]template{
	KindCUDABuild: {
		title:    "{pkg} was built from source on a builder without nvcc",
		cause:    "pip found no wheel of {pkg} {version} it could use and built the sdist. {pkg}'s setup.py first tries to download a prebuilt wheel named after the build environment; {guess_outcome} It then compiles the CUDA kernels, which needs nvcc and CUDA_HOME: the ZeroGPU build image is CPU-only and has neither.",
		fix:      "{unpin_first} Install {pkg} from a prebuilt wheel URL that matches Python {python}, torch {torch_mm}, CUDA {cuda_major} and the C++ ABI of torch, instead of the package name. {suggestion}",
		commands: []string{"zgpu deps resolve -o requirements.txt", "zgpu wheel find {pkg} --python {python} --torch {torch_mm}"},
		source:   srcRules + "; " + srcSetupPy,
	},
	KindJITCompile: {
		title:    "CUDA code compiled at first use, at run time, without nvcc",
		cause:    "a package compiles its CUDA extension when first imported or called (torch.utils.cpp_extension.load); the ZeroGPU runtime has no nvcc or CUDA toolkit.",
		fix:      "Install a prebuilt wheel of that package (one whose name states torch {torch_mm} and CUDA {cuda_major}), or a kernels-community kernel loaded with the kernels library.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindBuildNoTorch: {
		title:    "{pkg}'s setup.py imports torch inside pip's isolated build environment",
		cause:    "pip builds {pkg} {version} from its sdist in an isolated environment (PEP 517 build isolation) that has only the build requirements; the setup.py imports torch to read its version and CUDA, so the build stops with No module named 'torch'. --no-build-isolation would only move the failure to the missing nvcc.",
		fix:      "{unpin_first} Install {pkg} from a prebuilt wheel URL that matches Python {python}, torch {torch_mm}, CUDA {cuda_major} and the C++ ABI. {suggestion}",
		commands: []string{"zgpu deps resolve -o requirements.txt", "zgpu wheel find {pkg} --python {python} --torch {torch_mm}"},
		source:   srcRules,
	},
	KindTorchNotAllowed: {
		title:    "torch is pinned to a version ZeroGPU does not allow",
		cause:    "requirements.txt pins torch {torch_pin}; ZeroGPU accepts only {allowed} and rejects the build before pip runs.",
		fix:      "Pin torch to {torch_choice}, or unpin it to get the preinstalled {preinstalled}; align torchvision and torchaudio to the same minor.",
		commands: []string{"zgpu deps resolve --torch {suggest_torch} -o requirements.txt"},
		source:   srcRules + "; catalog [torch] allowed",
	},
	KindConflict: {
		title:    "pip cannot satisfy the requirements together",
		cause:    "{conflict_summary}",
		fix:      "Relax or remove the pin that conflicts ({offenders}), or pin the package that requires it to a version that agrees.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules + "; " + srcPip,
	},
	KindSDKConflict: {
		title:    "a pin conflicts with the Gradio SDK the platform installs",
		cause:    "{conflict_summary} The platform installs gradio at the README's sdk_version together with requirements.txt, so a pin of {offenders} that gradio disagrees with cannot be satisfied.",
		fix:      "Unpin {offenders} in requirements.txt (the SDK brings a compatible version). {mcp_note}",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindGradioPin: {
		title:    "a gradio pin conflicts; the platform installs gradio at sdk_version",
		cause:    "{conflict_summary} {gradio_cause}",
		fix:      "{gradio_fix}",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRulesReqs + "; catalog [[preinstalled]] gradio",
	},
	KindSpacesConflict: {
		title:    "a spaces requirement conflicts with the platform",
		cause:    "{conflict_summary} {spaces_cause}",
		fix:      "{spaces_fix}",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRulesReqs,
	},
	KindNoDistribution: {
		title:    "pip found no distribution of {pkg} for this Python and platform",
		cause:    "no file of {pkg}{spec} on the index installs on Python {python} Linux x86_64: the version does not exist, is for another Python, or (a +cuXXX local version) lives on another index.",
		fix:      "Pin a version of {pkg} that has files for Python {python}, or use the wheel's direct URL.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcPip,
	},
	KindPkgResources: {
		title:    "{pkg}'s setup.py imports pkg_resources, which setuptools 81 removed",
		cause:    "setuptools 81 no longer ships pkg_resources; an old setup.py that imports it ({pkg} {version}; known: deepspeed 0.15.x, openai-whisper 20231117) fails in pip's build environment, which gets the newest setuptools.",
		fix:      "Upgrade or unpin {pkg} to a release whose setup.py no longer imports pkg_resources.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindSlowResolution: {
		title:    "pip is backtracking through many versions",
		cause:    "pip's resolver is trying version after version of {backtracking} to satisfy loose constraints; on a Space the build is stopped after about 10 minutes.",
		fix:      "Pin the transitive dependencies pip backtracks on ({backtracking}) to versions that agree; zgpu resolves ahead of time and writes exact pins.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindUndefinedSymbol: {
		title:    "{library} was built for another torch or C++ ABI",
		cause:    "{library} ({pkg}) references a symbol the installed torch {torch} does not export: the prebuilt wheel was compiled against another torch version or C++ ABI{wheel_label}.",
		fix:      "Install a {pkg} wheel built for torch {torch_mm} with its C++ ABI{pin_hint}.{suggestion}",
		commands: []string{"zgpu deps resolve -o requirements.txt", "zgpu wheel find {pkg} --python {python} --torch {torch_mm}"},
		source:   srcRules,
	},
	KindHfFolder: {
		title:    "an old gradio imports HfFolder from a new huggingface_hub",
		cause:    "gradio before 5 (4.44 and older) imports HfFolder, which recent huggingface_hub releases removed.",
		fix:      "Pin huggingface-hub<1.0 in requirements.txt (HfFolder went in huggingface_hub 1.0; 0.25.0 is the release the platform's guidance names), or raise sdk_version in README.md to gradio 5.x or 6.x.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindTorchDowngraded: {
		title:    "a dependency downgraded torch below what spaces needs",
		cause:    "spaces imports is_traceable_wrapper_subclass from torch, which old torch releases lack: a dependency pinned torch<2 or torchaudio<2.1 (forks of demucs, audiocraft) and pip replaced the platform's torch{torch_note}.",
		fix:      "Find the package that pins old torch (zgpu deps resolve reports it) and install it without its dependencies, or drop it; keep torch on an allowed version.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindFlashAttnMissing: {
		title:    "flash_attn is not installed (or failed to import)",
		cause:    "the app or transformers imports flash_attn, but it is not installed: it is an sdist-only package that cannot build on ZeroGPU.",
		fix:      "Add the prebuilt FlashAttention 2 wheel URL for Python {python} and torch {torch_mm}, or load the model with attn_implementation=\"sdpa\".",
		commands: []string{"zgpu wheel find flash-attn --python {python} --torch {torch_mm}", "zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindNoKernelImage: {
		title:    "a CUDA kernel was not compiled for the ZeroGPU GPU ({gpu_arch})",
		cause:    "the kernel has no code for the GPU's architecture ({gpu_arch}, Blackwell): typically a FlashAttention 3 kernel (Hopper sm_90 only) or a wheel built with nvcc older than 12.8.",
		fix:      "Use FlashAttention 2 from a wheel built for sm_120 (flash-attn 2.8.0.post2 or newer, or the zerogpu-blackwell-wheels dataset), or SDPA.",
		commands: []string{"zgpu wheel find flash-attn --python {python} --torch {torch_mm}"},
		source:   srcRules,
	},
	KindJinja2Unhashable: {
		title:    "gradio 4.44 with a new starlette/jinja2",
		cause:    "gradio 4.44 renders templates in a way newer starlette and jinja2 releases reject ('dict' object is not hashable).",
		fix:      "Pin jinja2<3.2 and starlette<0.40, or raise sdk_version in README.md to a newer gradio.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcRules,
	},
	KindABIBreak: {
		title:    "{library} was built for an older torch; torch 2.13 broke the extension ABI",
		cause:    "{library} ({pkg}) needs a symbol that torch 2.13 no longer exports (materialize_cow_storage / c10_cuda_check_implementation): CUDA wheels built for torch 2.10-2.12 load on 2.11 and 2.12 but not on 2.13{wheel_label}.",
		fix:      "Install a {pkg} wheel built for torch 2.13, or pin torch==2.12.1 (the wheels built for 2.10-2.12 load on it).{suggestion}",
		commands: []string{"zgpu deps resolve -o requirements.txt", "zgpu wheel find {pkg} --python {python} --torch 2.13", "zgpu deps resolve --torch 2.12.1 -o requirements.txt"},
		source:   srcUpdate + "; catalog [[extension_abi]]",
	},
	KindTorchvisionOp: {
		title:    "torchvision is built for another torch minor",
		cause:    "torchvision's C++ operators (torchvision::nms) failed to register: the installed torchvision{tv_version} is built for another torch minor than the installed torch{torch_note}. Each torchvision release is built for exactly one torch release.",
		fix:      "Pin torchvision to the release built for your torch{tv_fix} (zgpu pins side-cars with torch).",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcUpdate + "; catalog torch-matrix.csv",
	},
	KindCusparseLt: {
		title:    "torch cannot find its CUDA library libcusparseLt",
		cause:    "torch's CUDA build links libcusparseLt.so.0, which the nvidia-cusparselt package (-cu12 for CUDA 12 builds, -cu13 for CUDA 13) installs as a dependency of the PyPI torch wheel: torch came from a direct wheel URL or another index without its nvidia dependencies, was installed with --no-deps, or a pin of an nvidia-* package or another torch build replaced it.",
		fix:      "Pin torch from PyPI to an allowed version (no +cuXXX URL, no --no-deps) so that pip installs its nvidia-* dependencies, and drop pins of nvidia-* packages.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   "domain-facts.md §3 (torch 2.11+ requires nvidia-cusparselt-cu13; CUDA 12 builds nvidia-cusparselt-cu12)",
	},
	KindNoSpaces: {
		title:    "the app imports spaces, which is not installed",
		cause:    "the spaces package is installed by the platform's builder in Gradio SDK Spaces (spaces=={spaces_version}, in the same pip call as requirements.txt). It is missing in a Docker or Streamlit Space, in a local run, or when the build image predates it.",
		fix:      "For a Gradio SDK Space on ZeroGPU, nothing to pin: check that README.md says sdk: gradio. Elsewhere (Docker, local), add spaces to the requirements (zgpu deps resolve --emit-preinstalled keeps it), or guard the import.",
		commands: []string{"zgpu deps resolve --emit-preinstalled -o requirements.txt"},
		source:   "zerogpu-rules.md, Update 2026-12-07 (the builder installs spaces==0.51.3); catalog [builder]",
	},
	KindNoGPUFunction: {
		title:  "ZeroGPU found no @spaces.GPU function at startup",
		cause:  "a ZeroGPU Space must decorate at least one function with @spaces.GPU before the app starts; the platform stops the app (RUNTIME_ERROR) when it finds none: the decorator is missing, applied inside a function that never ran at import, or the module that defines it was not imported.",
		fix:    "A code change, outside zgpu's reach: import spaces and decorate the function that uses the GPU with @spaces.GPU at module level (or switch the Space's hardware away from ZeroGPU).",
		source: srcUpdate,
	},
	KindTorchCodec: {
		title:    "torchaudio {torchaudio_version} loads and saves audio through TorchCodec",
		cause:    "since torchaudio 2.9, torchaudio.load and torchaudio.save call TorchCodec, which needs the torchcodec package (built for your torch minor) and the FFmpeg libraries on the system; one of them is missing.",
		fix:      "Add torchcodec (the release built for your torch: >= 0.12 for torch >= 2.11) to requirements.txt and ffmpeg to packages.txt; or load audio with soundfile/librosa instead.",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcAudio + "; catalog [[pairings]] torchcodec",
	},
	KindPydanticMCPCap: {
		title:    "pydantic is pinned above the cap of gradio[mcp]",
		cause:    "{conflict_summary} The builder installs gradio[oauth,mcp]=={sdk_version} in the same pip call as requirements.txt, and gradio's mcp extra caps pydantic ({cap}); the pin {pin} is above it.",
		fix:      "Unpin pydantic, or pin a version within {cap} (the SDK brings a compatible one).",
		commands: []string{"zgpu deps resolve -o requirements.txt"},
		source:   srcUpdate + "; catalog [builder]",
	},
	KindWeightsOnly: {
		title:  "torch.load refuses a full pickle (weights_only)",
		cause:  "torch 2.6 changed the default of torch.load to weights_only=True; a checkpoint that pickles Python objects no longer loads.",
		fix:    "A code change, outside zgpu's reach: pass weights_only=False to torch.load for a trusted checkpoint, or add the classes with torch.serialization.add_safe_globals.",
		source: srcRules,
	},
}
