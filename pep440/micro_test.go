package pep440

import "testing"

func BenchmarkMicroCompare(b *testing.B) {
	x, y := MustParse("2.8.0"), MustParse("2.8.1")
	for b.Loop() {
		if x.Compare(y) != -1 {
			b.Fatal()
		}
	}
}
func BenchmarkMicroParse(b *testing.B) {
	for b.Loop() {
		Parse("2.8.0")
	}
}
func BenchmarkMicroContains(b *testing.B) {
	s := MustParseSpecifiers(">=2.8,<2.10")
	v := MustParse("2.9.1")
	for b.Loop() {
		s.Contains(v, false)
	}
}
