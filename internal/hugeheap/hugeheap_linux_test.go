package hugeheap

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// thpUsable skips the test where the kernel has no transparent huge pages
// or the package was turned off.
func thpUsable(t *testing.T) {
	t.Helper()
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || bytes.Contains(mode, []byte("[never]")) {
		t.Skipf("no transparent huge pages here (%q, %v)", mode, err)
	}
	if Off {
		t.Skip("SERIALGATE_HUGEPAGES=0")
	}
}

// TestAdvise checks that Advise leaves the heap arena advised for huge
// pages and that the regions it reports collapsed are huge pages.
func TestAdvise(t *testing.T) {
	thpUsable(t)
	// Fill part of the heap the way a decode's start does.
	keep := make([][]byte, 0, 64)
	for range 64 {
		b := make([]byte, 8<<10)
		b[0], b[4<<10] = 1, 1
		keep = append(keep, b)
	}
	collapsed := Advise()
	flags, anonHuge := vmaOf(t, Probe())
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the heap's mapping at %#x has VmFlags %q, without hg (MADV_HUGEPAGE)", Probe(), flags)
	}
	if collapsed > 0 && anonHuge == 0 {
		t.Errorf("%d regions reported collapsed, but the mapping holds no huge page", collapsed)
	}
	t.Logf("%d regions collapsed; the probe's mapping: %d kB in huge pages", collapsed, anonHuge)
	// A second call finds nothing more to collapse but what the first left.
	if again := Advise(); again > collapsed+1 {
		t.Errorf("second call collapsed %d regions, the first %d", again, collapsed)
	}
	_ = keep
}

// TestEarly checks the package's init: it ran before the test's packages
// filled the heap's first piece, and what it collapsed is huge pages now.
func TestEarly(t *testing.T) {
	thpUsable(t)
	if Early == 0 {
		// A kernel before 6.1 has no MADV_COLLAPSE.
		t.Skip("the init collapsed nothing (no MADV_COLLAPSE here?)")
	}
	// The init's probe was placed at the start; the region holding it is
	// the first piece of the heap.
	v, _ := os.ReadFile("/proc/self/smaps")
	if !bytes.Contains(v, []byte("AnonHugePages:")) {
		t.Skip("no AnonHugePages in smaps")
	}
	total := 0
	for _, l := range strings.Split(string(v), "\n") {
		if s, ok := strings.CutPrefix(l, "AnonHugePages:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "kB")))
			total += n
		}
	}
	// The runtime's scavenger may since have returned part of a region
	// (splitting its huge page), so at least one must be left, not all.
	if total == 0 {
		t.Errorf("the init reported %d regions collapsed, but the process holds no huge page", Early)
	}
	t.Logf("the init collapsed %d regions; the process holds %d kB in huge pages", Early, total)
}

// vmaOf returns the VmFlags and AnonHugePages (kB) of the mapping holding p.
func vmaOf(t *testing.T, p uintptr) (flags string, anonHugeKB int) {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if dash := strings.IndexByte(l, '-'); dash > 0 && !strings.Contains(l[:dash], ":") {
			if sp := strings.IndexByte(l, ' '); sp > dash {
				lo, err1 := strconv.ParseUint(l[:dash], 16, 64)
				hi, err2 := strconv.ParseUint(l[dash+1:sp], 16, 64)
				if err1 == nil && err2 == nil {
					in = uintptr(lo) <= p && p < uintptr(hi)
					continue
				}
			}
		}
		if !in {
			continue
		}
		if v, ok := strings.CutPrefix(l, "AnonHugePages:"); ok {
			anonHugeKB, _ = strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
		if v, ok := strings.CutPrefix(l, "VmFlags:"); ok {
			return strings.TrimSpace(v), anonHugeKB
		}
	}
	t.Fatalf("no mapping holds %#x", p)
	return "", 0
}
