package payload

import (
	"fmt"
	"strconv"
	"strings"
)

// aiSpec describes one application identifier's data field.
type aiSpec struct {
	title   string
	numeric bool // digits only (else GS1's 82-character set)
	fixed   int  // fixed length, or 0
	max     int  // maximum length when not fixed
	check   bool // ends in a GS1 mod-10 check digit
	date    bool // YYMMDD
}

// aiTable covers the AIs labels carry; keys are whole AIs, or for the
// families with a decimal-point digit (310n, 392n, ...) the first three
// digits followed by "n".
var aiTable = map[string]aiSpec{
	"00":   {"SSCC", true, 18, 0, true, false},
	"01":   {"GTIN", true, 14, 0, true, false},
	"02":   {"CONTENT", true, 14, 0, true, false},
	"10":   {"BATCH/LOT", false, 0, 20, false, false},
	"11":   {"PROD DATE", true, 6, 0, false, true},
	"12":   {"DUE DATE", true, 6, 0, false, true},
	"13":   {"PACK DATE", true, 6, 0, false, true},
	"15":   {"BEST BEFORE", true, 6, 0, false, true},
	"16":   {"SELL BY", true, 6, 0, false, true},
	"17":   {"USE BY", true, 6, 0, false, true},
	"20":   {"VARIANT", true, 2, 0, false, false},
	"21":   {"SERIAL", false, 0, 20, false, false},
	"22":   {"CPV", false, 0, 20, false, false},
	"235":  {"TPX", false, 0, 28, false, false},
	"240":  {"ADDITIONAL ID", false, 0, 30, false, false},
	"241":  {"CUST. PART No.", false, 0, 30, false, false},
	"242":  {"MTO VARIANT", true, 0, 6, false, false},
	"243":  {"PCN", false, 0, 20, false, false},
	"250":  {"SECONDARY SERIAL", false, 0, 30, false, false},
	"251":  {"REF. TO SOURCE", false, 0, 30, false, false},
	"253":  {"GDTI", false, 0, 30, false, false},
	"254":  {"GLN EXTENSION", false, 0, 20, false, false},
	"255":  {"GCN", true, 0, 25, false, false},
	"30":   {"VAR. COUNT", true, 0, 8, false, false},
	"37":   {"COUNT", true, 0, 8, false, false},
	"400":  {"ORDER NUMBER", false, 0, 30, false, false},
	"401":  {"GINC", false, 0, 30, false, false},
	"402":  {"GSIN", true, 17, 0, false, false},
	"403":  {"ROUTE", false, 0, 30, false, false},
	"410":  {"SHIP TO LOC", true, 13, 0, true, false},
	"411":  {"BILL TO", true, 13, 0, true, false},
	"412":  {"PURCHASE FROM", true, 13, 0, true, false},
	"413":  {"SHIP FOR LOC", true, 13, 0, true, false},
	"414":  {"LOC No.", true, 13, 0, true, false},
	"415":  {"PAY TO", true, 13, 0, true, false},
	"416":  {"PROD/SERV LOC", true, 13, 0, true, false},
	"417":  {"PARTY", true, 13, 0, true, false},
	"420":  {"SHIP TO POST", false, 0, 20, false, false},
	"421":  {"SHIP TO POST", false, 0, 12, false, false},
	"422":  {"ORIGIN", true, 3, 0, false, false},
	"7001": {"NSN", true, 13, 0, false, false},
	"7003": {"EXPIRY TIME", true, 10, 0, false, false},
	"7006": {"FIRST FREEZE DATE", true, 6, 0, false, true},
	"8001": {"DIMENSIONS", true, 14, 0, false, false},
	"8002": {"CMT No.", false, 0, 20, false, false},
	"8003": {"GRAI", false, 0, 30, false, false},
	"8004": {"GIAI", false, 0, 30, false, false},
	"8005": {"PRICE PER UNIT", true, 6, 0, false, false},
	"8006": {"ITIP", true, 18, 0, false, false},
	"8007": {"IBAN", false, 0, 34, false, false},
	"8008": {"PROD TIME", true, 0, 12, false, false},
	"8010": {"CPID", false, 0, 30, false, false},
	"8011": {"CPID SERIAL", true, 0, 12, false, false},
	"8012": {"VERSION", false, 0, 20, false, false},
	"8013": {"GMN", false, 0, 25, false, false},
	"8017": {"GSRN - PROVIDER", true, 18, 0, true, false},
	"8018": {"GSRN - RECIPIENT", true, 18, 0, true, false},
	"8019": {"SRIN", true, 0, 10, false, false},
	"8020": {"REF No.", false, 0, 25, false, false},
	"8200": {"PRODUCT URL", false, 0, 70, false, false},
	"90":   {"INTERNAL", false, 0, 30, false, false},
	"310n": {"NET WEIGHT (kg)", true, 6, 0, false, false},
	"320n": {"NET WEIGHT (lb)", true, 6, 0, false, false},
	"330n": {"GROSS WEIGHT (kg)", true, 6, 0, false, false},
	"390n": {"AMOUNT", true, 0, 15, false, false},
	"391n": {"AMOUNT", true, 0, 18, false, false},
	"392n": {"PRICE", true, 0, 15, false, false},
	"393n": {"PRICE", true, 0, 18, false, false},
}

// aiLength is how many digits an AI starting with these two has.
func aiLength(two string) int {
	n, err := strconv.Atoi(two)
	if err != nil {
		return 0
	}
	switch {
	case n <= 22 || n == 30 || n == 37 || n >= 90:
		return 2
	case n >= 23 && n <= 25, n >= 40 && n <= 42, n == 71:
		return 3
	}
	return 4
}

// lookupAI finds the spec of a whole AI. Unknown AIs in the measure
// families (31nn-36nn) are six digits; 91-99 are company internal.
func lookupAI(ai string) (aiSpec, bool) {
	if s, ok := aiTable[ai]; ok {
		return s, true
	}
	if len(ai) == 4 {
		if s, ok := aiTable[ai[:3]+"n"]; ok {
			return s, true
		}
		if ai[0] == '3' && ai[1] >= '1' && ai[1] <= '6' {
			return aiSpec{title: "MEASURE", numeric: true, fixed: 6}, true
		}
	}
	if len(ai) == 2 && ai[0] == '9' {
		return aiSpec{title: "INTERNAL", max: 90}, true
	}
	return aiSpec{}, false
}

// gs1Chars is GS1's AI encodable character set 82.
func gs1Char(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("!\"%&'()*+,-./:;<=>?_", c) >= 0
}

// ParseGS1 parses a GS1 element string: AIs and values run together, with
// GS (FNC1) ending each variable-length value that is not last, as a
// scanner or decoder delivers it; a leading GS or AIM identifier is
// skipped. The bracketed human-readable form "(01)…(21)…" is accepted too.
// Check digits and dates are verified.
func ParseGS1(s string) (Elements, error) {
	if _, rest, ok := SplitAIM(s); ok {
		s = rest
	}
	if strings.HasPrefix(s, "(") {
		return parseBracketed(s)
	}
	start := 0
	if strings.HasPrefix(s, GS) {
		start = 1
	}
	var out Elements
	for pos := start; pos < len(s); {
		if s[pos] == GS[0] {
			pos++
			continue
		}
		if pos+2 > len(s) {
			return out, &Error{"gs1", pos, "truncated application identifier"}
		}
		n := aiLength(s[pos : pos+2])
		if n == 0 || pos+n > len(s) || !allDigits(s[pos:pos+n]) {
			return out, &Error{"gs1", pos, fmt.Sprintf("no application identifier at %q", clip(s[pos:]))}
		}
		ai := s[pos : pos+n]
		spec, ok := lookupAI(ai)
		if !ok {
			return out, &Error{"gs1", pos, fmt.Sprintf("unknown application identifier (%s)", ai)}
		}
		pos += n
		var v string
		if spec.fixed > 0 {
			if pos+spec.fixed > len(s) {
				return out, &Error{"gs1", pos, fmt.Sprintf("(%s) needs %d characters, has %d", ai, spec.fixed, len(s)-pos)}
			}
			v = s[pos : pos+spec.fixed]
			pos += spec.fixed
		} else {
			end := strings.IndexByte(s[pos:], GS[0])
			if end < 0 {
				end = len(s) - pos
			}
			v = s[pos : pos+end]
			if len(v) > spec.max {
				return out, &Error{"gs1", pos, fmt.Sprintf("(%s) is %d characters, at most %d: a separator may be missing", ai, len(v), spec.max)}
			}
			pos += end
		}
		if err := checkValue(ai, spec, v); err != nil {
			return out, &Error{"gs1", pos - len(v), err.Error()}
		}
		out = append(out, Element{AI: ai, Value: v})
	}
	if len(out) == 0 {
		return nil, &Error{"gs1", 0, "no elements"}
	}
	return out, nil
}

func parseBracketed(s string) (Elements, error) {
	var out Elements
	for pos := 0; pos < len(s); {
		if s[pos] != '(' {
			return out, &Error{"gs1", pos, "expected ( before an application identifier"}
		}
		end := strings.IndexByte(s[pos:], ')')
		if end < 0 {
			return out, &Error{"gs1", pos, "unclosed ("}
		}
		ai := s[pos+1 : pos+end]
		spec, ok := lookupAI(ai)
		if !ok || !allDigits(ai) {
			return out, &Error{"gs1", pos + 1, fmt.Sprintf("unknown application identifier (%s)", ai)}
		}
		pos += end + 1
		next := strings.IndexByte(s[pos:], '(')
		if next < 0 {
			next = len(s) - pos
		}
		v := s[pos : pos+next]
		if spec.fixed > 0 && len(v) != spec.fixed || spec.fixed == 0 && len(v) > spec.max {
			return out, &Error{"gs1", pos, fmt.Sprintf("(%s) has %d characters", ai, len(v))}
		}
		if err := checkValue(ai, spec, v); err != nil {
			return out, &Error{"gs1", pos, err.Error()}
		}
		out = append(out, Element{AI: ai, Value: v})
		pos += next
	}
	return out, nil
}

func checkValue(ai string, spec aiSpec, v string) error {
	if v == "" {
		return fmt.Errorf("(%s) is empty", ai)
	}
	for i := 0; i < len(v); i++ {
		if spec.numeric && !isDigit(v[i]) || !spec.numeric && !gs1Char(v[i]) {
			return fmt.Errorf("(%s) has %q at position %d, not allowed there", ai, v[i], i+1)
		}
	}
	if spec.check && !CheckDigitOK(v) {
		return fmt.Errorf("(%s) %s check digit is wrong", ai, v)
	}
	if spec.date {
		if err := checkDate(v); err != nil {
			return fmt.Errorf("(%s) %s: %w", ai, v, err)
		}
	}
	return nil
}

// CheckDigitOK verifies a GS1 mod-10 check digit (GTIN, SSCC, GLN).
func CheckDigitOK(digits string) bool {
	if len(digits) < 2 || !allDigits(digits) {
		return false
	}
	sum := 0
	body := digits[:len(digits)-1]
	for i := range body {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(digits[len(digits)-1]-'0')
}

// dateError is a YYMMDD value naming no day; it is a comparable value so
// that errors.Is can match the exact month and day that are wrong.
type dateError struct {
	month, day int
}

func (e dateError) Error() string {
	if e.month < 1 || e.month > 12 {
		return fmt.Sprintf("month %02d", e.month)
	}
	return fmt.Sprintf("day %02d of month %02d", e.day, e.month)
}

func checkDate(v string) error {
	yy, _ := strconv.Atoi(v[0:2])
	mm, _ := strconv.Atoi(v[2:4])
	dd, _ := strconv.Atoi(v[4:6])
	if mm < 1 || mm > 12 {
		return dateError{mm, dd}
	}
	days := []int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mm-1]
	if mm == 2 && yy%4 != 0 {
		days = 28
	}
	if dd > days { // 00 means the end of the month
		return dateError{mm, dd}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func clip(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}
