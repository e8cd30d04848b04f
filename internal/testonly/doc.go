// Package testonly holds, in its sub-packages, helpers that only tests and
// benchmarks import: shared (locate ../shared and the Python oracle),
// piporacle (pip's resolver as the reference) and validate (an independent
// check of a resolution). No production package may import them.
package testonly
