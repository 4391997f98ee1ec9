// Package raster turns PDF label files into page images, one page at a
// time, with poppler's pdftoppm: it renders what label printers print
// (vector bars, embedded images, fonts) exactly, where no pure-Go PDF
// library rasterizes reliably. Pages stream from pdftoppm's standard output,
// so no page waits in memory for the others and nothing is left on disk.
package raster

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrNoPoppler is returned when poppler's pdftoppm or pdfinfo is not
// installed.
var ErrNoPoppler = errors.New("pdftoppm/pdfinfo not found: install poppler-utils to read PDF label files")

// The defaults of Options.
const (
	DefaultDPI       = 300         // a 10-mil module is 3 pixels: enough for every symbology
	DefaultMaxPages  = 1000        // label sheets and print jobs have far fewer
	DefaultMaxPixels = 100_000_000 // a 4×6 in label at 300 dpi is 2.2 million
)

// Options tune rendering. The zero value uses the defaults.
type Options struct {
	DPI       int   // resolution, 1 to 1200 (default 300)
	MaxPages  int   // a PDF with more pages is refused
	MaxPixels int64 // a page that would render larger is an error for that page
	// ImageDPI renders a page that holds raster images (a label exported
	// as a picture, a scan) at the resolution of its sharpest image when
	// that is below DPI: more pixels than the image has carry nothing a
	// reader can use, and cost time to draw and to search. Pages of vector
	// drawing alone render at DPI.
	ImageDPI bool
	// Workers is how many pages render at once, ahead of the one fn has
	// (0: one per CPU). Pages still reach fn one at a time, in order.
	Workers int
}

func (o Options) withDefaults() (Options, error) {
	if o.DPI == 0 {
		o.DPI = DefaultDPI
	}
	if o.DPI < 1 || o.DPI > 1200 {
		return o, fmt.Errorf("resolution %d dpi out of range 1-1200", o.DPI)
	}
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultMaxPages
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	return o, nil
}

// Page is one rendered page, or why it could not be rendered.
type Page struct {
	N     int // from 1
	Of    int // the number of pages in the file
	DPI   int // the resolution it was rendered at
	Image *image.Gray
	Err   error // set when this page could not be rendered; the others may be
}

// Error is a problem with a PDF file or one of its pages.
type Error struct {
	File string
	Page int // 0 for the whole file
	Err  error
}

func (e *Error) Error() string {
	if e.Page > 0 {
		return fmt.Sprintf("%s page %d: %v", e.File, e.Page, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// PDF renders each page of the PDF at path in gray and calls fn with it, in
// page order. A page that cannot be rendered is given to fn with Err set. A
// problem with the whole file, or fn's error, stops the rendering and is
// returned; pdftoppm is stopped when ctx ends. Up to Options.Workers pages
// render while fn works on the one before them.
func PDF(ctx context.Context, path string, opt Options, fn func(Page) error) error {
	opt, err := opt.withDefaults()
	if err != nil {
		return &Error{File: path, Err: err}
	}
	info, err := pdfInfo(ctx, path, opt.MaxPages)
	if err != nil {
		return err
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return ErrNoPoppler
	}
	if opt.ImageDPI {
		imagePPI(ctx, path, info)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	// Each page has a slot; a render starts only while fewer than workers
	// pages wait for fn, so memory holds at most workers+1 pages.
	slots := make([]chan Page, len(info))
	for i := range slots {
		slots[i] = make(chan Page, 1)
	}
	ahead := make(chan struct{}, workers)
	wg.Go(func() {
		for i := range info {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Go(func() { slots[i] <- renderAt(ctx, bin, path, i+1, len(info), info[i], opt) })
		}
	})
	for i := range info {
		var p Page
		select {
		case p = <-slots[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-ahead
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// RenderPage renders page n (from 1) of the PDF at path at opt.DPI: a
// second, sharper look at a page PDF gave at its image's resolution.
func RenderPage(ctx context.Context, path string, n int, opt Options) (*image.Gray, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	info, err := pdfInfo(ctx, path, opt.MaxPages)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > len(info) {
		return nil, &Error{File: path, Page: n, Err: fmt.Errorf("no page %d in %d pages", n, len(info))}
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, ErrNoPoppler
	}
	info[n-1].ppi = 0
	p := renderAt(ctx, bin, path, n, len(info), info[n-1], opt)
	return p.Image, p.Err
}

// renderAt renders one page at opt.DPI, or at its image's resolution when
// that is lower.
func renderAt(ctx context.Context, bin, path string, n, of int, size pageSize, opt Options) Page {
	dpi := opt.DPI
	if size.ppi > 0 && size.ppi < dpi {
		dpi = size.ppi
	}
	scale := float64(dpi) / 72
	w, h := int(math.Ceil(size.w*scale)), int(math.Ceil(size.h*scale))
	p := Page{N: n, Of: of, DPI: dpi}
	if int64(w)*int64(h) > opt.MaxPixels || w <= 0 || h <= 0 {
		p.Err = &Error{File: path, Page: n, Err: fmt.Errorf("page of %.0f×%.0f pt would render %d×%d pixels at %d dpi, over the limit of %d pixels", size.w, size.h, w, h, dpi, opt.MaxPixels)}
	} else {
		p.Image, p.Err = renderPage(ctx, bin, path, n, dpi, w, h, opt.MaxPixels)
	}
	return p
}

// imagePPI sets each page's ppi to the resolution of its sharpest raster
// image that covers a quarter of the page or more (the label as a
// picture, not a logo on a vector label), as pdfimages lists them; pages
// without such images, or a missing pdfimages, leave it 0.
func imagePPI(ctx context.Context, path string, info []pageSize) {
	bin, err := exec.LookPath("pdfimages")
	if err != nil {
		return
	}
	out, _, err := run(ctx, bin, path, 1<<22, "-list", "-f", "1", "-l", strconv.Itoa(len(info)), path)
	if err != nil {
		return
	}
	// page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 14 || f[2] != "image" {
			continue
		}
		n, err1 := strconv.Atoi(f[0])
		w, err2 := strconv.Atoi(f[3])
		h, err3 := strconv.Atoi(f[4])
		x, err4 := strconv.Atoi(f[12])
		y, err5 := strconv.Atoi(f[13])
		if errors.Join(err1, err2, err3, err4, err5) != nil || n < 1 || n > len(info) || x <= 0 || y <= 0 {
			continue
		}
		// Both areas in square inches.
		if float64(w)/float64(x)*float64(h)/float64(y) < info[n-1].w/72*info[n-1].h/72/4 {
			continue
		}
		info[n-1].ppi = max(info[n-1].ppi, x, y)
	}
}

// pageSize is a page's size in points, as rotated for display, and the
// resolution of its sharpest image (0: none, or not asked).
type pageSize struct {
	w, h float64
	ppi  int
}

// pdfinfo's lines, compiled on first use rather than at every process start.
var (
	pagesLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^Pages:\s+(\d+)`) })
	sizeLine  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([0-9.]+) x ([0-9.]+) pts`)
	})
	rotLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^Page\s+(\d+) rot:\s+(\d+)`) })
)

// pdfInfo asks pdfinfo for the page count and each page's size, refusing a
// file with more than maxPages pages before anything is rendered.
func pdfInfo(ctx context.Context, path string, maxPages int) ([]pageSize, error) {
	bin, err := exec.LookPath("pdfinfo")
	if err != nil {
		return nil, ErrNoPoppler
	}
	out, _, err := run(ctx, bin, path, 1<<16, "-f", "1", "-l", strconv.Itoa(maxPages+1), path)
	if err != nil {
		return nil, err
	}
	m := pagesLine().FindSubmatch(out)
	if m == nil {
		return nil, &Error{File: path, Err: errors.New("pdfinfo gave no page count")}
	}
	count, err := strconv.Atoi(string(m[1]))
	if err != nil || count < 0 {
		return nil, &Error{File: path, Err: fmt.Errorf("pdfinfo gave page count %q", m[1])}
	}
	if count > maxPages {
		return nil, &Error{File: path, Err: fmt.Errorf("%d pages, over the limit of %d pages", count, maxPages)}
	}
	if count == 0 {
		return nil, &Error{File: path, Err: errors.New("no pages")}
	}
	sizes := make([]pageSize, count)
	for _, m := range sizeLine().FindAllSubmatch(out, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		w, _ := strconv.ParseFloat(string(m[2]), 64)
		h, _ := strconv.ParseFloat(string(m[3]), 64)
		if n >= 1 && n <= count {
			sizes[n-1] = pageSize{w: w, h: h}
		}
	}
	for _, m := range rotLine().FindAllSubmatch(out, -1) {
		n, _ := strconv.Atoi(string(m[1]))
		rot, _ := strconv.Atoi(string(m[2]))
		if n >= 1 && n <= count && rot%180 == 90 {
			sizes[n-1].w, sizes[n-1].h = sizes[n-1].h, sizes[n-1].w
		}
	}
	return sizes, nil
}

// renderPage renders page n to a PGM on pdftoppm's standard output. A page
// pdftoppm could not render at its size (it then writes a 1×1 image and a
// warning) is an error that carries the warning.
func renderPage(ctx context.Context, bin, path string, n, dpi, w, h int, maxPixels int64) (*image.Gray, error) {
	page := strconv.Itoa(n)
	out, warning, err := run(ctx, bin, path, maxPixels+64, "-r", strconv.Itoa(dpi), "-gray", "-f", page, "-l", page, "-singlefile", path)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Page = n
		}
		return nil, err
	}
	img, err := ReadPGM(bytes.NewReader(out), maxPixels)
	if err != nil {
		return nil, &Error{File: path, Page: n, Err: fmt.Errorf("read pdftoppm output: %w", err)}
	}
	// Rounding differs by a pixel or two between pdfinfo and pdftoppm; a page
	// much smaller than its size says was not rendered.
	if b := img.Bounds(); b.Dx() < w/2 || b.Dy() < h/2 {
		return nil, &Error{File: path, Page: n, Err: fmt.Errorf("pdftoppm rendered %d×%d pixels of an expected %d×%d: %s", b.Dx(), b.Dy(), w, h, warning)}
	}
	return img, nil
}

// run runs a poppler tool and returns its standard output, at most limit
// bytes. The tool is killed when ctx ends; its complaint on standard error
// becomes the error's text.
func run(ctx context.Context, bin, path string, limit int64, args ...string) (out, warning []byte, err error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.WaitDelay = 2 * time.Second
	var stderr limitedBuffer
	stderr.max = 4096
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, &Error{File: path, Err: fmt.Errorf("start %s: %w", bin, err)}
	}
	out, rerr := io.ReadAll(io.LimitReader(bufio.NewReaderSize(stdout, 1<<16), limit+1))
	if int64(len(out)) > limit {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, nil, &Error{File: path, Err: fmt.Errorf("%s wrote more than %d bytes", bin, limit)}
	}
	werr := cmd.Wait()
	warning = bytes.TrimSpace(stderr.b)
	if ctx.Err() != nil {
		return nil, nil, ctx.Err()
	}
	if rerr != nil {
		return nil, nil, &Error{File: path, Err: rerr}
	}
	if werr != nil {
		return nil, nil, &Error{File: path, Err: fmt.Errorf("%s: %w: %s", filepath.Base(bin), werr, warning)}
	}
	return out, warning, nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	b   []byte
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
