package scanner

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate/scanner/framing"
)

// TestCaptures replays the captures in testdata, recorded through a real
// pseudo-terminal by testdata/record.sh, with the framing they were
// recorded with: every complete scan once and in order, nothing else.
func TestCaptures(t *testing.T) {
	burst := make([]string, 1000)
	for i := range burst {
		burst[i] = fmt.Sprintf("B%06d", i)
	}
	for _, tc := range []struct {
		file   string
		scans  []string // AIM identifier in front, when sent
		counts framing.Counts
	}{
		{"cr-suffix", []string{"AC2000000001", "AC2000000002"}, framing.Counts{Scans: 2}},
		{"crlf-suffix", []string{"AC2000000001", "AC2000000002"}, framing.Counts{Scans: 2}},
		{"split-writes", []string{"AC2000000001"}, framing.Counts{Scans: 1}},
		{"stx-etx-aim", []string{"]C0AC2000000001", "]d20109506000134352\x1d21X1"}, framing.Counts{Scans: 2}},
		{"gs-substitutes", []string{"]d2010950600013435210LOT7\x1d21X1\x1d91A"}, framing.Counts{Scans: 1}},
		{"prefix", []string{"AC2000000001", "AC2000000002"}, framing.Counts{Scans: 2, Noise: 1}},
		{"noise-overlong", []string{"AC2000000001", "AC2000000002"}, framing.Counts{Scans: 2, Noise: 2, Overlong: 1}},
		{"burst-1000", burst, framing.Counts{Scans: 1000}},
		{"hangup-mid-frame", []string{"AC2000000001"}, framing.Counts{Scans: 1, Partial: 1}},
	} {
		f, err := os.Open(filepath.Join("testdata", tc.file+".capture.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		h, chunks, err := ReadCapture(f, tc.file)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		s := framing.NewStream("replay", &Player{Chunks: chunks}, *h.Framing, framing.StreamOptions{})
		got := drain(t, s)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.scans) || s.Counts() != tc.counts {
			t.Errorf("%s: got %d scans %.200q, counts %+v; want %.200q, %+v", tc.file, len(got), got, s.Counts(), tc.scans, tc.counts)
		}
	}
}
