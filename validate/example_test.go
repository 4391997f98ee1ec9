package validate_test

import (
	"fmt"
	"strings"

	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
	"github.com/serialgate/serialgate/validate"
)

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
	set, err := validate.Compile(rs, pattern.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range []string{"FQ-0123ABCD", "AC2000000001", "XFP-0123ABCD"} {
		v := set.CheckAny(s)
		fmt.Println(strings.TrimSpace(fmt.Sprintln(s, v.OK, v.Models, v.Reason, v.Message)))
	}
	// Output:
	// FQ-0123ABCD true [POD]
	// AC2000000001 true [PURIFIER]
	// XFP-0123ABCD false [] no_match matches no model's serial pattern
}
