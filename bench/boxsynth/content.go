package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
)

// rule is one serial-number rule of rules.tsv: its id, its regex
// (java.util.regex syntax that Go's regexp reads the same way) and a
// generator of serials that match it.
type rule struct {
	id  string
	re  string
	gen func(r *rand.Rand) string
	// near returns a serial-like text that looks like this rule's
	// serials but does not match it (a decoy).
	near func(r *rand.Rand) string
}

const (
	digits = "0123456789"
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	alnum  = digits + upper
	hexUp  = "0123456789ABCDEF"
)

func pick(r *rand.Rand, set string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteByte(set[r.IntN(len(set))])
	}
	return b.String()
}

func oneOf[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// rules are the serial rules of this set: none of them is a rule of the
// shared set, so that a reader tuned on those serials meets new ones.
var rules = []rule{
	{
		id:  "vandelay-vx",
		re:  `^VX-\d{4}-[A-Z0-9]{5}$`,
		gen: func(r *rand.Rand) string { return "VX-" + pick(r, digits, 4) + "-" + pick(r, alnum, 5) },
		near: func(r *rand.Rand) string {
			return oneOf(r, "VX-"+pick(r, digits, 3)+"-"+pick(r, alnum, 5), "VX"+pick(r, digits, 4)+pick(r, alnum, 5))
		},
	},
	{
		id:   "wonka-wk",
		re:   `^WK\d{10}$`,
		gen:  func(r *rand.Rand) string { return "WK" + pick(r, digits, 10) },
		near: func(r *rand.Rand) string { return "WK" + pick(r, digits, oneOf(r, 8, 9, 11)) },
	},
	{
		id:  "tyrell-tyr",
		re:  `^TYR[0-9A-F]{10}$`,
		gen: func(r *rand.Rand) string { return "TYR" + pick(r, hexUp, 10) },
		near: func(r *rand.Rand) string {
			return oneOf(r, "TYR"+pick(r, hexUp, 9), "TY"+pick(r, hexUp, 10), "TYR-"+pick(r, hexUp, 8))
		},
	},
	{
		id: "soylent-sg",
		re: `^SG\d{2}(?:0[1-9]|1[0-2])[A-HJ-NP-Z]{2}\d{5}$`,
		gen: func(r *rand.Rand) string {
			return fmt.Sprintf("SG%02d%02d%s%s", 20+r.IntN(6), 1+r.IntN(12), pick(r, "ABCDEFGHJKLMNPQRSTUVWXYZ", 2), pick(r, digits, 5))
		},
		near: func(r *rand.Rand) string {
			return oneOf(r, fmt.Sprintf("SG%02d%02d%s%s", 20+r.IntN(6), 13+r.IntN(40), pick(r, upper, 2), pick(r, digits, 5)),
				fmt.Sprintf("SG%02d%02d%s", 20+r.IntN(6), 1+r.IntN(12), pick(r, digits, 7)))
		},
	},
	{
		id:  "cyberdyne-cd",
		re:  `^CD-[A-Z]{2}-\d{6}$`,
		gen: func(r *rand.Rand) string { return "CD-" + pick(r, upper, 2) + "-" + pick(r, digits, 6) },
		near: func(r *rand.Rand) string {
			return oneOf(r, "CD"+pick(r, upper, 2)+pick(r, digits, 6), "CD-"+pick(r, upper, 2)+"-"+pick(r, digits, 5))
		},
	},
	{
		id:   "massive-md",
		re:   `^MD[0-9A-Z]{12}$`,
		gen:  func(r *rand.Rand) string { return "MD" + pick(r, alnum, 12) },
		near: func(r *rand.Rand) string { return oneOf(r, "MD-"+pick(r, alnum, 12), "MD"+pick(r, alnum, 10)) },
	},
}

var compiled = func() []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, ru := range rules {
		out = append(out, regexp.MustCompile(ru.re))
	}
	return out
}()

// matchingRules lists the ids of the rules that text matches.
func matchingRules(text string) []string {
	out := []string{}
	for i, re := range compiled {
		if re.MatchString(text) {
			out = append(out, rules[i].id)
		}
	}
	return out
}

type model struct{ code, name string }

type brand struct {
	name   string
	rule   int // index into rules
	domain string
	models []model
}

var brands = []brand{
	{"VANDELAY", 0, "vandelay.example", []model{{"VDL-HUB-3", "Smart Hub 3"}, {"VDL-CAM-9", "Door Camera"}, {"VDL-PLG-1", "Smart Plug"}}},
	{"Wonka Home", 1, "wonka-home.example", []model{{"WNK-BLN-6", "Blender Pro 6"}, {"WNK-KTL-2", "Kettle 1.7 L"}, {"WNK-TST-4", "Toaster 4-slice"}}},
	{"TYRELL", 2, "tyrell.example", []model{{"TYR-RTR-AX6", "Wi-Fi 6 Router"}, {"TYR-EXT-2", "Range Extender"}}},
	{"Soylent", 3, "soylent.example", []model{{"SOY-PRJ-1", "Mini Projector"}, {"SOY-SPK-3", "Party Speaker"}}},
	{"CYBERDYNE", 4, "cyberdyne.example", []model{{"CYB-VAC-800", "Robot Vacuum"}, {"CYB-MOP-2", "Floor Mop 2"}}},
	{"Massive Dynamic", 5, "massive.example", []model{{"MSD-TV-55", "55in Display"}, {"MSD-SB-2", "Soundbar 2.1"}}},
}

// gs1Check returns the GS1 mod-10 check digit of the digits s.
func gs1Check(s string) byte {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	return byte('0' + (10-sum%10)%10)
}

func luhn(s string) byte {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// decoy returns a serial-like text that matches no rule, and its kind.
func decoy(r *rand.Rand, b brand) (text, kind string) {
	for {
		switch r.IntN(7) {
		case 0:
			s := oneOf(r, "35", "86", "49") + pick(r, digits, 12)
			text, kind = s+string(luhn(s)), "imei"
		case 1:
			text, kind = "CTN"+pick(r, digits, 9), "ctn"
		case 2:
			text, kind = "LOT"+pick(r, digits, 4)+pick(r, upper, 1)+pick(r, digits, 2), "lot"
		case 3:
			text, kind = oneOf(r, "PN-", "P/N ")+pick(r, hexUp, 8), "pn"
		case 4:
			text, kind = pick(r, hexUp, 12), "mac"
		case 5:
			text, kind = "PCB-"+pick(r, upper, 1)+pick(r, digits, 8), "pcb"
		default:
			text, kind = rules[b.rule].near(r), "near-miss"
		}
		if len(matchingRules(text)) == 0 {
			return text, kind
		}
	}
}

func decoyCaption(r *rand.Rand, kind string) string {
	switch kind {
	case "imei":
		return "IMEI"
	case "ctn":
		return oneOf(r, "CTN", "CARTON")
	case "lot":
		return "LOT"
	case "pn":
		return "P/N"
	case "mac":
		return oneOf(r, "MAC", "MAC ID")
	case "pcb":
		return "PCB"
	}
	return oneOf(r, "REF", "ID", "QC")
}

// gs1Field is one GS1 element string: its AI and value.
type gs1Field struct{ ai, val string }

// fixedLength tells whether the AI has a predefined length, so that no
// FNC1 follows it (only the AIs used here).
func fixedLength(ai string) bool {
	switch ai {
	case "00", "01", "02", "11", "13", "15", "17", "20":
		return true
	}
	return false
}

// gs1Text returns the element strings as a decoder in GS1 mode reports
// them (FNC1 between a variable-length field and the next as GS, no
// leading FNC1), the bracketed form zint takes and the human-readable
// form with parentheses.
func gs1Text(fs []gs1Field) (text, zintData, hri string) {
	var t, z, h strings.Builder
	for i, f := range fs {
		t.WriteString(f.ai + f.val)
		if !fixedLength(f.ai) && i < len(fs)-1 {
			t.WriteByte(0x1d)
		}
		z.WriteString("[" + f.ai + "]" + f.val)
		if i > 0 {
			h.WriteByte(' ')
		}
		h.WriteString("(" + f.ai + ")" + f.val)
	}
	return t.String(), z.String(), h.String()
}

func gs1Date(r *rand.Rand) string {
	return fmt.Sprintf("%02d%02d%02d", 23+r.IntN(5), 1+r.IntN(12), 1+r.IntN(28))
}

func lotNumber(r *rand.Rand) string {
	return oneOf(r, "L"+pick(r, digits, 4)+pick(r, upper, 1), "B"+fmt.Sprintf("%02d%02d", 23+r.IntN(4), 1+r.IntN(12))+pick(r, alnum, 3), pick(r, digits, 6))
}
