package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestHugeHeap checks that hugeHeap leaves the heap arena advised for huge
// pages and that the regions it reports collapsed are huge pages.
func TestHugeHeap(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || bytes.Contains(mode, []byte("[never]")) {
		t.Skipf("no transparent huge pages here (%q, %v)", mode, err)
	}
	if hugeHeapOff {
		t.Skip("SERIALGATE_HUGEPAGES=0")
	}
	// Fill part of the heap the way a decode's start does.
	keep := make([][]byte, 0, 64)
	for range 64 {
		b := make([]byte, 8<<10)
		b[0], b[4<<10] = 1, 1
		keep = append(keep, b)
	}
	collapsed := hugeHeap()
	p := uintptr(unsafe.Pointer(hugeProbe))
	flags, anonHuge := vmaOf(t, p)
	if !strings.Contains(" "+flags+" ", " hg ") {
		t.Errorf("the heap's mapping at %#x has VmFlags %q, without hg (MADV_HUGEPAGE)", p, flags)
	}
	if collapsed > 0 && anonHuge == 0 {
		t.Errorf("%d regions reported collapsed, but the mapping holds no huge page", collapsed)
	}
	t.Logf("%d regions collapsed; the probe's mapping: %d kB in huge pages", collapsed, anonHuge)
	// A second call finds nothing more to collapse but what the first left.
	if again := hugeHeap(); again > collapsed+1 {
		t.Errorf("second call collapsed %d regions, the first %d", again, collapsed)
	}
	_ = keep
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
