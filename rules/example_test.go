package rules_test

import (
	"fmt"

	"github.com/serialgate/serialgate/rules"
)

func ExampleParse() {
	set, err := rules.Parse("rules.yaml", []byte(`version: 1
manufacturers:
  - name: Acme Devices
    models:
      - model: ACME_PURIFIER_200
        asins: [B0ACME0200]
        serial:
          regex: '^AC2\d{9}$'
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range set.Models() {
		fmt.Println(m.Model, m.ASINs, m.Serial.Regex, m.Serial.Dialect)
	}
	_, err = rules.Parse("bad.yaml", []byte("version: 1\nmanufacturer: []\n"))
	fmt.Println(err)
	// Output:
	// ACME_PURIFIER_200 [B0ACME0200] ^AC2\d{9}$ java
	// bad.yaml:2:1: unknown key "manufacturer" in rules file
	// bad.yaml:1:1: rules file: missing key "manufacturers"
}
