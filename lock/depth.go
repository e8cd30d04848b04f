package lock

import (
	"strings"

	"github.com/zgpu/zgpu/pep508"
)

// Depth returns the depth of a lock's dependency graph: the most levels a
// package is below the request (a requested package is at level 1, what it
// requires at level 2, ...), each package at its shortest distance. A
// client that read each level at once, listing then metadata, would need
// about Depth x 2 round trips for a cold lock: the limit the network sets.
func Depth(pins []Pin) int {
	level := map[string]int{}
	for _, p := range pins {
		for _, v := range p.Via {
			if v.From == "" {
				level[pep508.NormalizeName(p.Name)] = 1
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, p := range pins {
			name := pep508.NormalizeName(p.Name)
			for _, v := range p.Via {
				if v.From == "" {
					continue
				}
				from, _, _ := strings.Cut(v.From, " ")
				from, _, _ = strings.Cut(from, "[")
				l, ok := level[pep508.NormalizeName(from)]
				if cur, seen := level[name]; ok && (!seen || l+1 < cur) {
					level[name] = l + 1
					changed = true
				}
			}
		}
	}
	depth := 0
	for _, l := range level {
		depth = max(depth, l)
	}
	return depth
}
