package main

import (
	"bufio"
	"fmt"
	"image"
	"os"
	"runtime/debug"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/internal/hugeheap"
	"github.com/serialgate/serialgate/raster"
)

func runDecode(e *env, args []string) int {
	fl := newFlags(e, "decode", "FILE...",
		"Finds every barcode in each image (PNG, JPEG, GIF, BMP, TIFF, WebP) or PDF\n"+
			"label file and prints them, one line per file.\n"+
			"Exits 0 when every file was read, 2 when one could not be.")
	format := fl.String("format", "text", "output format: text or jsonl")
	formats := fl.String("formats", "", "comma-separated symbologies to look for (default: all), e.g. code128,datamatrix")
	dpi := fl.Int("dpi", raster.DefaultDPI, "resolution PDF pages are rasterized at")
	var files []string
	if code, ok := parse(fl, args, &files); !ok {
		return code
	}
	if *format != "text" && *format != "jsonl" {
		fmt.Fprintf(e.stderr, "serialgate decode: unknown format %q (want text or jsonl)\n", *format)
		return exitUsage
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "serialgate decode: no FILE given")
		return exitUsage
	}
	fs, err := decode.ParseFormats(*formats)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate decode:", err)
		return exitUsage
	}
	// A decode allocates scan lines, bitmaps and turned copies of the
	// image, nearly all garbage once the image is read: collecting at five
	// times the live heap rather than twice takes about a tenth off a
	// batch's time for half as much memory again (36 to 53 MB over the
	// box-label photos). GOGC, when set, decides.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(decodeGCPercent))
	}
	dec := decode.New(decode.Options{Formats: fs})
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	code := exitOK
	for _, f := range files {
		if len(files) > 1 || isPDF(f) {
			<-startRelay()
		}
		if e.ctx.Err() != nil {
			return exitUsage
		}
		start := time.Now()
		var found []decodedBarcode
		err := eachPage(e.ctx, f, *dpi, func(page, of int, img image.Image) error {
			hugeheap.Advise() // the pieces the image's pixels took
			bs, err := dec.Image(img)
			for _, b := range bs {
				found = append(found, toJSON(b, page, of))
			}
			return err
		})
		ms := time.Since(start).Milliseconds()
		if err != nil {
			code = exitUsage
			fmt.Fprintf(e.stderr, "serialgate decode: %v\n", err)
		}
		if *format == "jsonl" {
			rec := decodeRecord{File: f, Barcodes: found, MS: ms}
			if rec.Barcodes == nil {
				rec.Barcodes = []decodedBarcode{}
			}
			if err != nil {
				rec.Error = err.Error()
			}
			w.Write(rec.appendJSON(nil))
			continue
		}
		if len(found) == 0 && err == nil {
			fmt.Fprintf(w, "%s: no barcode (%d ms)\n", f, ms)
		}
		for _, b := range found {
			page := ""
			if b.Page > 0 {
				page = fmt.Sprintf(" page %d", b.Page)
			}
			fmt.Fprintf(w, "%s:%s %s %s %s\n", f, page, b.Format, b.AIM, serialgate.Shown(b.Text))
		}
	}
	return code
}

// decodeGCPercent is the garbage collector's target while decoding.
const decodeGCPercent = 400

type decodeRecord struct {
	File     string           `json:"file"`
	Barcodes []decodedBarcode `json:"barcodes"`
	MS       int64            `json:"ms"`
	Error    string           `json:"error,omitempty"`
}

type decodedBarcode struct {
	Text     string       `json:"text"`
	RawHex   string       `json:"raw_hex,omitempty"`
	Format   string       `json:"format"`
	AIM      string       `json:"aim,omitempty"`
	Corners  [][2]float64 `json:"corners"`
	Angle    int          `json:"angle"`
	Sequence *sequence    `json:"sequence,omitempty"`
	Page     int          `json:"page,omitempty"`
}

// sequence is a structured-append symbol's place in its series.
type sequence struct {
	Index int    `json:"index"`
	Count int    `json:"count"`
	ID    string `json:"id,omitempty"`
}

func toJSON(b decode.Barcode, page, pages int) decodedBarcode {
	d := decodedBarcode{Text: b.Text, Format: string(b.Symbology), AIM: b.AIM, Angle: b.Angle, Corners: [][2]float64{}}
	if len(b.Raw) > 0 {
		d.RawHex = fmt.Sprintf("%x", b.Raw)
	}
	for _, p := range b.Corners {
		d.Corners = append(d.Corners, [2]float64{float64(int(p.X*10)) / 10, float64(int(p.Y*10)) / 10})
	}
	if q := b.Sequence; q != nil {
		d.Sequence = &sequence{Index: q.Index, Count: q.Count, ID: q.ID}
	}
	if pages > 1 {
		d.Page = page
	}
	return d
}
