package pep440_test

import (
	"fmt"
	"slices"

	"github.com/zgpu/zgpu/pep440"
)

func ExampleParse() {
	v, err := pep440.Parse("V2.8.0-RC1+CU128")
	if err != nil {
		panic(err)
	}
	major, minor := v.MajorMinor()
	fmt.Println(v, v.Public(), v.Local(), major, minor, v.IsPrerelease())
	_, err = pep440.Parse("2.8.0+")
	fmt.Println(err)
	// Output:
	// 2.8.0rc1+cu128 2.8.0rc1 cu128 2 8 true
	// pep440: expected local version segment at column 7 in "2.8.0+"
}

func ExampleVersion_Compare() {
	vs := []pep440.Version{
		pep440.MustParse("2.8.0+cu128"), pep440.MustParse("2.8.0"), pep440.MustParse("2.8.0rc1"),
		pep440.MustParse("2.8.0.post1"), pep440.MustParse("2.8.0.dev0"),
	}
	slices.SortFunc(vs, pep440.Compare)
	fmt.Println(vs)
	// Output: [2.8.0.dev0 2.8.0rc1 2.8.0 2.8.0+cu128 2.8.0.post1]
}

func ExampleSpecifiers_Contains() {
	ss, err := pep440.ParseSpecifiers(">=2.8, <2.10, !=2.9.0")
	if err != nil {
		panic(err)
	}
	for _, s := range []string{"2.8.0+cu128", "2.9.0", "2.9.1", "2.10.0rc1"} {
		fmt.Println(s, ss.Contains(pep440.MustParse(s), false))
	}
	fmt.Println(ss)
	// Output:
	// 2.8.0+cu128 true
	// 2.9.0 false
	// 2.9.1 true
	// 2.10.0rc1 false
	// !=2.9.0,<2.10,>=2.8
}

func ExampleSpecifiers_Filter() {
	vs := []pep440.Version{pep440.MustParse("2.7.1"), pep440.MustParse("2.8.0"), pep440.MustParse("2.9.0rc1")}
	fmt.Println(pep440.MustParseSpecifiers(">=2.8").Filter(vs, false))
	fmt.Println(pep440.MustParseSpecifiers(">=2.8").Filter(vs, true))
	fmt.Println(pep440.MustParseSpecifiers(">=2.9.0rc1").Filter(vs, false)) // names a pre-release
	// Output:
	// [2.8.0]
	// [2.8.0 2.9.0rc1]
	// [2.9.0rc1]
}
