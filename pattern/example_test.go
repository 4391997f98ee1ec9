package pattern_test

import (
	"fmt"
	"strings"

	"github.com/serialgate/serialgate/pattern"
)

func ExampleCompile() {
	r, err := pattern.Compile(`^[A-Z]++\d{4}$`, pattern.Java, pattern.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Engine)
	for _, serial := range []string{"ABC1234", "ABC123", "ABC1234 ", "ABC١234"} {
		v := r.Check(serial)
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%q %v %s %s", serial, v.OK, v.Reason, v.Message)))
	}
	// Output:
	// dfa
	// "ABC1234" true
	// "ABC123" false incomplete incomplete: the serial ends after 6 characters
	// "ABC1234 " false too_long too long: extra space at position 8 after a complete serial of 7 characters
	// "ABC١234" false unexpected_character unexpected '١' (U+0661, not ASCII) at position 4
}
