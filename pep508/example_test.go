package pep508_test

import (
	"fmt"

	"github.com/zgpu/zgpu/pep508"
)

func ExampleParseRequirement() {
	r, err := pep508.ParseRequirement(`Flash_Attn[Triton] >= 2.8, <3 ; python_version >= "3.10" and extra == "GPU"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Name, r.Key(), r.Extras, r.Specifiers)
	fmt.Println(r.Marker)
	fmt.Println(r)

	_, err = pep508.ParseRequirement("torch (>=2.8")
	fmt.Println(err)
	// Output:
	// Flash_Attn flash-attn [Triton] <3,>=2.8
	// python_version >= "3.10" and extra == "GPU"
	// Flash_Attn[Triton]<3,>=2.8; python_version >= "3.10" and extra == "GPU"
	// pep508: expected ')' at column 13 in "torch (>=2.8"
}

func ExampleMarker_Evaluate() {
	m, err := pep508.ParseMarker(`sys_platform == "linux" and python_version < "3.11"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Evaluate(pep508.LinuxEnv("3.10.13")), m.Evaluate(pep508.LinuxEnv("3.12.12")))

	m, _ = pep508.ParseMarker(`os_name ~= "posix"`)
	_, err = m.EvaluateErr(pep508.LinuxEnv("3.12.12"))
	fmt.Println(err)
	// Output:
	// true false
	// pep508: undefined comparison "~=" on "posix" and "posix"
}

func ExampleMarker_EvaluateExtras() {
	m, _ := pep508.ParseMarker(`extra == "cu128"`)
	env := pep508.LinuxEnv("3.12.12")
	fmt.Println(m.EvaluateExtras(env, nil), m.EvaluateExtras(env, []string{"CU128"}))
	// Output: false true
}

func ExampleAnd() {
	a, _ := pep508.ParseMarker(`os_name == "nt" or sys_platform == "linux"`)
	b, _ := pep508.ParseMarker(`python_version >= "3.12"`)
	fmt.Println(pep508.And(a, b))
	fmt.Println(pep508.And(nil, b))
	// Output:
	// (os_name == "nt" or sys_platform == "linux") and python_version >= "3.12"
	// python_version >= "3.12"
}
