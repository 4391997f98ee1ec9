package pdf417

import (
	"bytes"
	"fmt"
	"go/format"
	"math/rand/v2"
	"os"
	"sort"
	"testing"

	"github.com/serialgate/serialgate/internal/testenv"
)

// microRow is one row of a MicroPDF417 symbol zint drew, taken apart.
type microRow struct {
	raps    [3]uint16 // left, centre (0 without one), right RAP, first module at bit 9
	values  []int
	cluster int
}

// rapBits packs 10 modules, the first at bit 9.
func rapBits(m []byte) uint16 {
	var p uint16
	for _, b := range m[:10] {
		p = p<<1 | uint16(b)
	}
	return p
}

// splitMicro takes a MicroPDF417 symbol's rows of modules apart.
func splitMicro(t *testing.T, rows [][]byte, cols int) []microRow {
	t.Helper()
	var out []microRow
	for r, row := range rows {
		mr := microRow{cluster: -1}
		mr.raps[0] = rapBits(row)
		pos := 10
		for c := range cols {
			if c > 0 && c == microCentre(cols) {
				mr.raps[1] = rapBits(row[pos:])
				pos += 10
			}
			var w [8]int
			k := 0
			for i := pos; i < pos+17; i++ {
				if i > pos && row[i] != row[i-1] {
					k++
				}
				if k > 7 {
					t.Fatalf("row %d column %d: more than 8 elements", r, c)
				}
				w[k]++
			}
			v, cl, ok := lookup(w)
			if !ok {
				t.Fatalf("row %d column %d: %v is no codeword", r, c, w)
			}
			if mr.cluster >= 0 && cl != mr.cluster {
				t.Fatalf("row %d: clusters %d and %d", r, mr.cluster, cl)
			}
			mr.values, mr.cluster = append(mr.values, v), cl
			pos += 17
		}
		mr.raps[2] = rapBits(row[pos:])
		if row[pos+10] != 1 {
			t.Fatalf("row %d: no closing bar", r)
		}
		out = append(out, mr)
	}
	return out
}

// checkWords returns how many check codewords make cw a Reed–Solomon
// codeword: the most k for which c(3^1) … c(3^k) are all 0.
func checkWords(cw []int) int {
	n := len(cw)
	for k := 1; k < n; k++ {
		x, v := int(gf().exp[k]), 0
		for _, c := range cw {
			v = (gf().mul(v, x) + c) % prime
		}
		_ = n
		if v != 0 {
			return k - 1
		}
	}
	return n - 1
}

// TestMicroTableFromZint draws MicroPDF417 symbols of every version with
// zint and learns from them what micro_table.go holds: the cycles of row
// address patterns (each row's RAPs follow the last row's), where each
// version starts on them, its check codewords (those that make its
// codewords a Reed–Solomon codeword) and the cluster of a row's codewords.
// Without -update it checks the table against fresh symbols.
func TestMicroTableFromZint(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	rng := rand.New(rand.NewPCG(24728, 1))
	type version struct {
		cols, rows int
		parts      []microRow
	}
	found := map[[2]int]version{}
	for cols := 1; cols <= 4; cols++ {
		for n := 1; n < 400; n += 1 + n/12 {
			digits := make([]byte, n)
			for i := range digits {
				digits[i] = byte('0' + rng.IntN(10))
			}
			rows, c, err := zintSymbol(zint, microSymbol, cols, 0, string(digits))
			if err != nil || c != cols {
				break
			}
			key := [2]int{cols, len(rows)}
			if _, ok := found[key]; !ok {
				found[key] = version{cols, len(rows), splitMicro(t, rows, cols)}
			}
		}
	}
	if len(found) != 34 {
		t.Fatalf("zint drew %d versions, want 34", len(found))
	}
	var vs []version
	for _, v := range found {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].cols*100+vs[i].rows < vs[j].cols*100+vs[j].rows })
	// The cycles: each RAP's successor is the next row's.
	var cycles [3][52]uint16
	for side := range 3 {
		next := map[uint16]uint16{}
		for _, v := range vs {
			if side == 1 && microCentre(v.cols) == 0 {
				continue
			}
			for r := 1; r < v.rows; r++ {
				a, b := v.parts[r-1].raps[side], v.parts[r].raps[side]
				if old, ok := next[a]; ok && old != b {
					t.Fatalf("side %d: RAP %010b followed by %010b and %010b", side, a, old, b)
				}
				next[a] = b
			}
		}
		// No version's rows run from the last RAP of the chain round to
		// the first: with all 52 seen in one chain, the cycle closes there.
		if len(next) == 51 {
			var head, tail []uint16
			has := map[uint16]bool{}
			for _, b := range next {
				has[b] = true
			}
			for a, b := range next {
				if !has[a] {
					head = append(head, a)
				}
				if _, ok := next[b]; !ok {
					tail = append(tail, b)
				}
			}
			if len(head) == 1 && len(tail) == 1 {
				next[tail[0]] = head[0]
			}
		}
		if len(next) != 52 {
			t.Fatalf("side %d: %d RAPs have a successor, want 52", side, len(next))
		}
		// Number the cycle from its smallest pattern.
		p := uint16(0xffff)
		for a := range next {
			p = min(p, a)
		}
		for i := range 52 {
			cycles[side][i] = p
			p = next[p]
		}
		if p != cycles[side][0] {
			t.Fatalf("side %d: the RAPs do not close a cycle of 52", side)
		}
	}
	if cycles[2] != cycles[0] {
		t.Fatal("the right RAPs' cycle is not the left RAPs'")
	}
	index := func(side int, p uint16) int {
		for i, q := range cycles[side] {
			if q == p {
				return i
			}
		}
		t.Fatalf("side %d: RAP %010b not in the cycle", side, p)
		return -1
	}
	// A row's cluster by its left RAP.
	clusterOf := map[int]int{}
	var lines []string
	for _, v := range vs {
		var cw []int
		for r, part := range v.parts {
			cw = append(cw, part.values...)
			li := index(0, part.raps[0])
			if old, ok := clusterOf[li]; ok && old != part.cluster {
				t.Fatalf("left RAP %d: clusters %d and %d", li, old, part.cluster)
			}
			clusterOf[li] = part.cluster
			_ = r
		}
		centre := 0
		if microCentre(v.cols) > 0 {
			centre = index(1, v.parts[0].raps[1])
		}
		lines = append(lines, fmt.Sprintf("{cols: %d, rows: %d, check: %d, left: %d, centre: %d, right: %d},",
			v.cols, v.rows, checkWords(cw), index(0, v.parts[0].raps[0]), centre, index(0, v.parts[0].raps[2])))
	}
	if len(clusterOf) != 52 {
		t.Fatalf("clusters known for %d left RAPs, want 52", len(clusterOf))
	}
	var out bytes.Buffer
	out.WriteString("// Code generated by TestMicroTableFromZint -update from symbols zint draws; DO NOT EDIT.\n\npackage pdf417\n\n")
	out.WriteString("// microRAPs[side][i] is the i-th row address pattern of the cycle of the\n// left and right (side 0) and the centre (1) RAPs, 10 modules with the\n// first at bit 9, 1 for a bar.\nvar microRAPs = [2][52]uint16{\n")
	for side := range 2 {
		out.WriteString("{")
		for i, p := range cycles[side] {
			if i%8 == 0 {
				out.WriteString("\n")
			}
			fmt.Fprintf(&out, "0x%03x, ", p)
		}
		out.WriteString("},\n")
	}
	out.WriteString("}\n\n// microCluster[i] is the cluster (0, 1, 2 for 0, 3, 6) of the codewords of a\n// row whose left RAP is the i-th of its cycle.\nvar microCluster = [52]uint8{")
	for i := range 52 {
		fmt.Fprintf(&out, "%d, ", clusterOf[i])
	}
	out.WriteString("}\n\n// microVersions are the 34 sizes of MicroPDF417, with their check\n// codewords and the places on the cycles of their first row's RAPs.\nvar microVersions = [34]microVersion{\n")
	for _, l := range lines {
		out.WriteString(l + "\n")
	}
	out.WriteString("}\n")
	src, err := format.Source(out.Bytes())
	if err != nil {
		t.Fatalf("format: %v\n%s", err, out.Bytes())
	}
	if *update {
		if err := os.WriteFile("micro_table.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	have, err := os.ReadFile("micro_table.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, src) {
		t.Error("micro_table.go differs from what zint's symbols give; run go test -run MicroTable -update")
	}
}
