package framing

import (
	"fmt"
	"testing"
	"time"
)

func TestHoldOff(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	h := HoldOff{Window: 300 * time.Millisecond}
	frame := 40 * time.Millisecond // 25 fps
	var got []string
	// A label in view for frames 0-9, a second one appears at frame 5,
	// the first leaves for 3 frames (120 ms: still held off) and comes
	// back, then leaves for 20 frames (800 ms) and comes back again.
	present := func(i int) []string {
		var codes []string
		if i < 10 || (i >= 13 && i < 20) || i >= 40 {
			codes = append(codes, "AC2000000001")
		}
		if i >= 5 && i < 8 {
			codes = append(codes, "AC2000000002")
		}
		return codes
	}
	for i := 0; i < 45; i++ {
		for _, c := range h.Frame(t0.Add(time.Duration(i)*frame), present(i)) {
			got = append(got, fmt.Sprintf("%d:%s", i, c))
		}
	}
	want := "[0:AC2000000001 5:AC2000000002 40:AC2000000001]"
	if fmt.Sprint(got) != want {
		t.Fatalf("scans %v, want %s", got, want)
	}
}
