// Command boxsynth makes a held-out set of synthetic box-label photos like
// the shared set (../shared/testdata/boxlabels): a label with 3 to 6
// barcodes drawn by zint, stuck on cardboard and photographed with
// perspective, rotation, blur, uneven light, glare, noise and JPEG
// compression, with the truth of every barcode placed.
//
//	go run ./bench/boxsynth -n 60 -seed 7 -out /tmp/boxsynth7
//
// writes OUT/images/NNNN.jpg, OUT/truth.jsonl and OUT/rules.tsv. The same
// -seed gives the same photos.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

func main() {
	n := flag.Int("n", 60, "number of photos")
	seed := flag.Uint64("seed", 1, "random seed: the same seed makes the same photos")
	out := flag.String("out", "", "output `DIR` (images/, truth.jsonl, rules.tsv)")
	clean := flag.Bool("clean", false, "no degradation: the label square to the camera, sharp, no noise (to check the truth)")
	jobs := flag.Int("j", runtime.GOMAXPROCS(0), "photos made at once")
	flag.Parse()
	if *out == "" || *n < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: boxsynth [-n COUNT] [-seed N] [-clean] -out DIR")
		os.Exit(2)
	}
	if _, err := exec.LookPath("zint"); err != nil {
		fatal(fmt.Errorf("zint not found (Debian package zint): %v", err))
	}
	if err := os.MkdirAll(filepath.Join(*out, "images"), 0o755); err != nil {
		fatal(err)
	}
	var rb bytes.Buffer
	for _, ru := range rules {
		fmt.Fprintf(&rb, "%s\t%s\n", ru.id, ru.re)
	}
	if err := os.WriteFile(filepath.Join(*out, "rules.tsv"), rb.Bytes(), 0o644); err != nil {
		fatal(err)
	}

	start := time.Now()
	lines := make([]*truthLine, *n)
	errs := make([]error, *n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, *jobs) {
		wg.Go(func() {
			for i := range next {
				lines[i], errs[i] = makePhoto(i, *seed, *out, *clean)
			}
		})
	}
	for i := range *n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			fatal(err)
		}
	}

	f, err := os.Create(filepath.Join(*out, "truth.jsonl"))
	if err != nil {
		fatal(err)
	}
	bw := bufio.NewWriter(f)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	serials, codes := 0, 0
	for _, l := range lines {
		if err := enc.Encode(l); err != nil {
			fatal(err)
		}
		if l.SerialBarcode != nil {
			serials++
		}
		codes += len(l.Barcodes)
	}
	if err := bw.Flush(); err != nil {
		fatal(err)
	}
	if err := f.Close(); err != nil {
		fatal(err)
	}
	fmt.Printf("%d photos (%d with a serial, %d barcodes) in %s, %.1fs\n", *n, serials, codes, *out, time.Since(start).Seconds())
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "boxsynth:", err)
	os.Exit(1)
}

// photoSeed gives each photo its own random stream, so that a photo does
// not depend on the order the workers take them in.
func photoSeed(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15*uint64(i+1)))
}

// makePhoto makes photo i and returns its truth.
func makePhoto(i int, seed uint64, outDir string, clean bool) (*truthLine, error) {
	r := photoSeed(seed, i)
	c := makeContent(r)
	if err := c.encode(); err != nil {
		return nil, err
	}
	inkSpread := -0.04 + 0.16*r.Float64()
	if clean {
		inkSpread = 0
	}
	lb := layoutLabel(r, c, inkSpread)
	bg := newBackground(r, lb)

	var ref, serial *spec
	for _, s := range lb.order {
		if s.role == "serial" {
			serial = s
		}
	}
	ref = serial
	if ref == nil {
		ref = lb.order[0]
		for _, s := range lb.order {
			if s.role == "model" {
				ref = s
			}
		}
	}

	deg := degradations{DroppedToFit: append([]string{}, c.dropped...), RelaxedToFit: []string{}}
	cam := camera{frameW: 1280, frameH: 720}
	if r.Float64() < 0.4 {
		cam.frameW, cam.frameH = 1920, 1080
	}
	deg.AnyAngle = r.Float64() < 1.0/3
	if deg.AnyAngle {
		cam.rot = -180 + 360*r.Float64()
	} else {
		// Most within ±5°, some up to ±15°.
		cam.rot = (2*r.Float64() - 1) * oneOf(r, 5.0, 5.0, 15.0)
	}
	tilt := 25 * math.Sqrt(r.Float64())
	phi := 2 * math.Pi * r.Float64()
	cam.tiltX, cam.tiltY = tilt*math.Cos(phi), tilt*math.Sin(phi)
	cam.hfov = 50 + 25*r.Float64()
	target := 1.8 + 2.2*r.Float64()
	if clean {
		cam.rot, cam.tiltX, cam.tiltY, cam.hfov, target, deg.AnyAngle = 0, 0, 0, 60, 3, false
	}
	deg.TargetModulePx = r3(target)
	const minModule = 1.8
	mg := 12.0 // frame pixels kept free around the label

	var hm mat3
	refModule := func() float64 {
		return modulePx(quad(hm, float64(ref.x), float64(ref.y), float64(ref.widthPx()), float64(ref.heightPx())), ref.sym.w)
	}
	// fit sets the distance for the target module size, then moves the
	// camera back until the label fits in the frame.
	fit := func() {
		cam.cx, cam.cy = float64(cam.frameW)/2, float64(cam.frameH)/2
		f := float64(cam.frameW) / 2 / math.Tan(cam.hfov/2*math.Pi/180)
		cam.dist = f * float64(ref.ms) / target
		for range 5 {
			hm = cam.homography(lb.w, lb.h)
			cam.dist *= refModule() / target
		}
		for range 30 {
			hm = cam.homography(lb.w, lb.h)
			q := quad(hm, 0, 0, float64(lb.w), float64(lb.h))
			x0, y0, x1, y1 := bbox(q[:]...)
			s := math.Min((float64(cam.frameW)-2*mg)/(x1-x0), (float64(cam.frameH)-2*mg)/(y1-y0))
			if s >= 1 {
				break
			}
			cam.dist /= s * 0.995
		}
		hm = cam.homography(lb.w, lb.h)
	}
	fit()
	if m := refModule(); m < target*0.98 {
		if m < minModule && cam.frameW == 1280 {
			cam.frameW, cam.frameH = 1920, 1080
			deg.RelaxedToFit = append(deg.RelaxedToFit, "larger frame")
			fit()
		}
		if refModule() < target*0.98 {
			deg.RelaxedToFit = append(deg.RelaxedToFit, "smaller in frame")
		}
	}
	// Place the label anywhere it fits.
	lq := quad(hm, 0, 0, float64(lb.w), float64(lb.h))
	x0, y0, x1, y1 := bbox(lq[:]...)
	lo, hi := mg-x0, float64(cam.frameW)-mg-x1
	if hi > lo {
		cam.cx += lo + (hi-lo)*r.Float64()
	} else {
		cam.cx += (lo + hi) / 2
	}
	lo, hi = mg-y0, float64(cam.frameH)-mg-y1
	if hi > lo {
		cam.cy += lo + (hi-lo)*r.Float64()
	} else {
		cam.cy += (lo + hi) / 2
	}
	if clean {
		cam.cx, cam.cy = float64(cam.frameW)/2, float64(cam.frameH)/2
	}
	hm = cam.homography(lb.w, lb.h)
	fw, fh := cam.frameW, cam.frameH

	// Truth of each barcode.
	tl := &truthLine{
		File: fmt.Sprintf("images/%04d.jpg", i), Width: fw, Height: fh,
		Brand: c.brand.name, Model: c.model.code, GTIN: c.gtin, ExpectedRule: rules[c.brand.rule].id,
		SerialAlsoIn: []int{},
		LabelMM:      [2]float64{r3(float64(lb.w) / lb.pxPerMM), r3(float64(lb.h) / lb.pxPerMM)},
	}
	labelQ := quad(hm, 0, 0, float64(lb.w), float64(lb.h))
	tl.LabelCornersPx = r3q(labelQ)
	minMod := math.Inf(1)
	var serialQ [4][2]float64
	for id, s := range lb.order {
		s.id = id
		q := quad(hm, float64(s.x), float64(s.y), float64(s.widthPx()), float64(s.heightPx()))
		mp := modulePx(q, s.sym.w)
		minMod = math.Min(minMod, mp)
		b := truthBarcode{
			ID: id, Role: s.role, Kind: s.kind, Symbology: s.symbology, Text: s.text, Aim: s.aim, GS1: s.gs1, HRI: s.hri,
			ContainsSerial: s.containsSerial, MatchesRules: matchingRules(s.text),
			CornersPx: r3q(q), ModulePx: r3(mp), ModuleMM: r3(float64(s.ms) / lb.pxPerMM),
			Modules:  [2]int{s.sym.w, 1},
			HeightPx: r3((dist(q[0], q[3]) + dist(q[1], q[2])) / 2),
			AxisDeg:  r3(axisDeg(q)),
		}
		if s.twoD {
			b.Modules[1] = s.sym.h
		} else {
			qz := [2]float64{r3(s.qz[0]), r3(s.qz[1])}
			so := r3(scanlineOverlap(q))
			b.QuietZoneModules, b.ScanlineOverlapPx = &qz, &so
			if qz[0] < 9.5 || qz[1] < 9.5 {
				deg.TightQuietZones = true
			}
		}
		if s.role == "serial" {
			id := id
			tl.SerialBarcode = &id
			serialQ = q
			m := r3(mp)
			deg.SerialModulePx = &m
		} else if s.containsSerial {
			tl.SerialAlsoIn = append(tl.SerialAlsoIn, id)
		}
		tl.Barcodes = append(tl.Barcodes, b)
	}
	if serial != nil {
		sr, rid := c.serial, rules[c.brand.rule].id
		tl.Serial, tl.SerialRule = &sr, &rid
	}

	// The photo.
	ss := min(4, max(2, int(math.Ceil(1.5*labelPerFrame(hm, lb)))))
	planes := renderScene(lb, bg, hm, fw, fh, ss)
	deg.Frame = fmt.Sprintf("%dx%d", fw, fh)
	deg.RotationDeg = r3(axisDeg(labelQ))
	deg.TiltXDeg, deg.TiltYDeg, deg.HFOVDeg = r3(cam.tiltX), r3(cam.tiltY), r3(cam.hfov)
	deg.LabelCoverage = r3(polyArea(labelQ) / float64(fw*fh))
	deg.PxPerMM = r3(refModule() * lb.pxPerMM / float64(ref.ms))
	deg.MinModulePx = r3(minMod)
	deg.InkSpread = r3(inkSpread)
	deg.Scene = scene{Surface: bg.surfaceLabel, Flutes: bg.flutes, Tape: bg.tape, BoxEdge: bg.edge, LabelShadow: r3(bg.shadow),
		LabelTemplate: lb.template, LabelModule: lb.module, Supersampling: ss}
	ph := degrade(r, planes, fw, fh, serialQ, serial != nil, labelQ, clean)
	deg.Photo = ph.params
	tl.Degradations = deg

	img := image.NewRGBA(image.Rect(0, 0, fw, fh))
	for p := range fw * fh {
		for ch := range 3 {
			img.Pix[4*p+ch] = uint8(min(255, max(0, math.Round(float64(planes[ch][p])))))
		}
		img.Pix[4*p+3] = 255
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: ph.params.JPEGQuality}); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(outDir, tl.File), jb.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return tl, nil
}
