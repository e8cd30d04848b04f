// Package wheeltags implements wheel and sdist filenames (PEP 427, PEP 491),
// compatibility tags (PEP 425, with the manylinux platforms of PEP 513, 571,
// 599 and 600 and the musllinux platforms of PEP 656), the ordered list of tags
// a target interpreter supports, and the choice of the best wheel of a release.
//
// The behaviour is that of pypa/packaging 24.1 (the copy vendored by pip 24.2):
//
//   - ParseWheelFilename accepts exactly what packaging.utils.parse_wheel_filename
//     accepts: a ".whl" suffix, four or five dashes, a project name made of
//     Unicode word characters, '.' and '_' without "__", a PEP 440 version, an
//     optional build tag that starts with a digit, and a compressed tag set
//     ("py2.py3-none-any") that expands to its cross product, lower-cased.
//     Project names are normalized as packaging.utils.canonicalize_name does.
//   - ParseSdistFilename accepts what packaging.utils.parse_sdist_filename
//     accepts: a ".tar.gz" or ".zip" suffix and a version after the last dash.
//   - Target.SupportedTags lists the tags in the order of packaging.tags.sys_tags
//     for CPython X.Y on Linux with the given glibc and architecture:
//     cpython_tags followed by compatible_tags, with the platforms of
//     packaging._manylinux.platform_tags (legacy manylinux1, manylinux2010 and
//     manylinux2014 aliases placed right after their glibc version) and then
//     linux_<arch>.
//
// Deviations from packaging, all deliberate:
//
//   - The target is a parameter, never the running machine: glibc comes from
//     Target.Glibc, not from confstr, and the ABI is that of a release
//     (non-debug, not free-threaded) CPython build. musllinux platforms are
//     never supported because targets are glibc systems.
//   - Only the "cp" implementation is modelled; Target.Implementation exists so
//     that other values are rejected explicitly rather than mis-ranked.
//   - Unicode case folding of names and tags uses Go's simple case mapping; it
//     differs from Python's str.lower only for a handful of characters with
//     special casing that never occur in real filenames.
//   - Best picks among files of one project the way pip's candidate sort key
//     does (version, then tag rank, then build tag) but never chooses an sdist:
//     a ZeroGPU build image has no compiler for CUDA extensions, so every
//     non-chosen file comes back with a reason.
package wheeltags
