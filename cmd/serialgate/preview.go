//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"sync"

	"github.com/serialgate/serialgate/scanner"
	"github.com/serialgate/serialgate/station"
	"github.com/serialgate/serialgate/ui"
)

// preview shows the screen the latest picture of the station's picture
// sources (cameras, image folders) with the barcodes read outlined and the
// one the station judged marked.
type preview struct {
	framers []scanner.Framer
	mu      sync.Mutex
	judged  string // text of the barcode the last result judged
	picture string // the picture it came from, when it came from one
}

// observe keeps which barcode the last result was about.
func (p *preview) observe(res station.Result) {
	p.mu.Lock()
	p.judged, p.picture = res.Barcode.Text, res.Picture
	p.mu.Unlock()
}

// frame encodes the newest picture for the screen. Encoding happens here,
// when the page asks, never in the scan loop.
func (p *preview) frame(ctx context.Context) (ui.Frame, error) {
	var newest scanner.Frame
	found := false
	for _, f := range p.framers {
		if fr, ok := f.Frame(); ok && (!found || fr.Time.After(newest.Time)) {
			newest, found = fr, true
		}
	}
	if !found {
		return ui.Frame{}, errors.New("no picture yet")
	}
	if err := ctx.Err(); err != nil {
		return ui.Frame{}, err
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, newest.Image, &jpeg.Options{Quality: 75}); err != nil {
		return ui.Frame{}, err
	}
	p.mu.Lock()
	judged, picture := p.judged, p.picture
	p.mu.Unlock()
	b := newest.Image.Bounds()
	out := ui.Frame{JPEG: buf.Bytes(), Width: b.Dx(), Height: b.Dy(), Time: newest.Time}
	for _, c := range newest.Codes {
		box := ui.Box{Text: c.Text, Chosen: c.Text == judged && (picture == "" || picture == newest.Name)}
		for _, pt := range c.Corners {
			box.Points = append(box.Points, image.Pt(int(math.Round(pt.X))-b.Min.X, int(math.Round(pt.Y))-b.Min.Y))
		}
		out.Boxes = append(out.Boxes, box)
	}
	return out, nil
}
