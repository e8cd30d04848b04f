// Package zerogpu applies the ZeroGPU platform's rules to a Space's
// requirements and says why it changed each line. It is the library behind
// `zgpu deps resolve`.
//
// Given the requirements a Space declares (from requirements.txt,
// pyproject.toml or a uv.lock export) and the catalog (package catalog), Plan
// decides, in this order:
//
//  1. the target interpreter: --python, else the README's python_version,
//     else the platform default (with a warning that says how to pin it);
//  2. what the platform installs itself: `spaces` and `gradio` are never
//     emitted (gradio comes at sdk_version), but their constraints still hold:
//     a user pin that conflicts with them is reported;
//  3. torch: the highest version on the platform's allow-list that satisfies
//     the user's constraints, --torch, and every prebuilt CUDA wheel chosen;
//     a user pin outside the allow-list moves to the nearest allowed version
//     (refused only under --strict, or in pre-requirements.txt). Resolve
//     then locks (or verifies) that plan, and when it does not resolve,
//     the next candidates, all in one loop (settleTorch);
//  4. CUDA extensions (the catalog's registry, and any direct wheel whose
//     local version names a torch build): each becomes `name @ URL` of the
//     best prebuilt wheel for the target's Python tag, torch major.minor, CUDA
//     major, C++ ABI, platform and GPU architecture; never `name==x+local`,
//     which pip cannot find on an index. When none fits, the error lists the
//     nearest wheels and the pin that would make one fit;
//  5. the torch side-cars (torchvision, torchaudio, triton) are pinned to the
//     releases built for the chosen torch;
//  6. every other requirement stays as the user wrote it.
//
// The result is a Report: the target, every decision with its reason and
// the fact (source, date) behind it, every change, and the lines to write.
// "No solution" is a Report with Problems, not a Go error: errors are for
// unreadable input and failed sources.
package zerogpu
