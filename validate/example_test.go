package validate_test

import (
	"fmt"
	"strings"

	"github.com/serialgate/serialgate/rules"
	"github.com/serialgate/serialgate/validate"
)

func ExampleCompileRule() {
	r, err := validate.CompileRule(`^[A-Z]++\d{4}$`, rules.Java, validate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Engine)
	for _, serial := range []string{"ABC1234", "ABC123", "ABC1234 ", "ABC١234"} {
		ok, reason := r.Explain(serial)
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%q %v %s", serial, ok, reason)))
	}
	// Output:
	// dfa
	// "ABC1234" true
	// "ABC123" false incomplete: the serial ends after 6 characters
	// "ABC1234 " false too long: extra space at position 8 after a complete serial of 7 characters
	// "ABC١234" false unexpected '١' (U+0661, not ASCII) at position 4
}

func ExampleSet_CheckAny() {
	rs, _ := rules.Parse("r.yaml", []byte(`version: 1
manufacturers:
  - name: Acme
    models:
      - model: PURIFIER
        serial: {regex: '^AC2\d{9}$'}
      - model: POD
        serial: {regex: '(?:FP|FQ)-[0-9A-F]{8}'}
`))
	set, err := validate.Compile(rs, validate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range []string{"FQ-0123ABCD", "AC2000000001", "XFP-0123ABCD"} {
		v := set.CheckAny(s)
		fmt.Println(strings.TrimSpace(fmt.Sprintln(s, v.OK, v.Models, v.Reason)))
	}
	// Output:
	// FQ-0123ABCD true [POD]
	// AC2000000001 true [PURIFIER]
	// XFP-0123ABCD false [] matches no model's serial pattern
}
