//go:build camera

package camera

// gocv is imported here only. Frames are converted to gray in OpenCV and
// handed to the decoder as the Mat's own bytes, without a per-pixel copy;
// a code seen in consecutive frames becomes one scan.

import (
	"context"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"gocv.io/x/gocv"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/scanner/framing"
)

// Config says which camera to open and how to read it.
type Config struct {
	// Device is a camera index ("0"), a V4L2 path (/dev/video0) or a video
	// file.
	Device string
	// HoldOff turns frames into scans; its zero value holds a code off for
	// a second.
	HoldOff framing.HoldOff
	// Decoder reads the frames; nil means the decoder's fast mode, as the
	// next frame is another try.
	Decoder *decode.Decoder
}

// Stats are per-frame timings.
type Stats struct {
	Frames   int
	Decoding time.Duration // total time converting and decoding
	Last     time.Duration // the last frame's
}

// FPS is frames decoded per second of decoding time.
func (s Stats) FPS() float64 {
	if s.Decoding <= 0 {
		return 0
	}
	return float64(s.Frames) / s.Decoding.Seconds()
}

// Source delivers the scans a camera sees.
type Source struct {
	cfg   Config
	cap   *gocv.VideoCapture
	pipe  *framing.Pipe
	stop  chan struct{}
	done  chan struct{}
	mu    sync.Mutex
	stats Stats
	once  sync.Once

	// The latest frame, for a preview: its gray pixels (a buffer reused
	// frame after frame) and what was read in it.
	last      []byte
	lastW     int
	lastH     int
	lastCodes []decode.Barcode
	lastTime  time.Time
}

var _ serialgate.Source = (*Source)(nil)

// Open opens the camera or video file and starts reading frames.
func Open(cfg Config) (*Source, error) {
	var vc *gocv.VideoCapture
	var err error
	if n, perr := strconv.Atoi(cfg.Device); perr == nil {
		vc, err = gocv.OpenVideoCapture(n)
	} else {
		vc, err = gocv.VideoCaptureFile(cfg.Device)
	}
	if err != nil {
		return nil, fmt.Errorf("open camera %s: %w", cfg.Device, err)
	}
	if !vc.IsOpened() {
		vc.Close()
		return nil, fmt.Errorf("open camera %s: not opened", cfg.Device)
	}
	if cfg.Decoder == nil {
		cfg.Decoder = decode.New(decode.Options{Fast: true})
	}
	s := &Source{cfg: cfg, cap: vc, pipe: framing.NewPipe(64), stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s, nil
}

func (s *Source) run() {
	defer close(s.done)
	frame, gray := gocv.NewMat(), gocv.NewMat()
	defer frame.Close()
	defer gray.Close()
	name := "camera:" + s.cfg.Device
	// A video file's frames carry their own times: the hold-off runs on
	// them, so a file gives the same scans however fast it is decoded.
	// A live camera's frames are timed as they arrive.
	_, live := strconv.Atoi(s.cfg.Device)
	fromFile := live != nil && !strings.HasPrefix(s.cfg.Device, "/dev/")
	base := time.Now()
	frameNo := 0
	for {
		select {
		case <-s.stop:
			return
		default:
		}
		if !s.cap.Read(&frame) || frame.Empty() {
			s.pipe.End(io.EOF)
			return
		}
		frameNo++
		start := time.Now()
		found, err := s.decodeFrame(frame, &gray)
		el := time.Since(start)
		s.mu.Lock()
		s.stats.Frames++
		s.stats.Decoding += el
		s.stats.Last = el
		if err == nil {
			s.keep(gray, found, start)
		}
		s.mu.Unlock()
		if err != nil {
			s.pipe.End(fmt.Errorf("read %s: %w", name, err))
			return
		}
		texts := make([]string, len(found))
		aims := map[string]string{}
		for i, b := range found {
			texts[i] = b.Text
			aims[b.Text] = b.AIM
		}
		at := start
		if fromFile {
			at = base.Add(time.Duration(s.cap.Get(gocv.VideoCapturePosMsec) * float64(time.Millisecond)))
		}
		// A frame in which a code came into view is one picture of a
		// label: one scan carrying every code read in it, so the station
		// picks the serial among them rather than judging each.
		if fresh := s.cfg.HoldOff.Frame(at, texts); len(fresh) > 0 {
			sc := serialgate.Scan{Time: start, Source: name, Text: fresh[0], AIM: aims[fresh[0]],
				Picture: fmt.Sprintf("%s frame %d", name, frameNo), Label: decode.Barcodes(found)}
			if !s.pipe.Send(sc, s.stop) {
				return
			}
		}
	}
}

// decodeFrame converts a frame to gray in OpenCV and decodes the gray
// Mat's bytes in place.
func (s *Source) decodeFrame(frame gocv.Mat, gray *gocv.Mat) ([]decode.Barcode, error) {
	if frame.Channels() == 1 {
		frame.CopyTo(gray)
	} else {
		gocv.CvtColor(frame, gray, gocv.ColorBGRToGray)
	}
	pix, err := gray.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("camera frame: %w", err)
	}
	return s.cfg.Decoder.Gray(decode.Gray{Pix: pix, Width: gray.Cols(), Height: gray.Rows(), Stride: gray.Step()})
}

// keep copies the gray frame for Frame. s.mu is held.
func (s *Source) keep(gray gocv.Mat, found []decode.Barcode, at time.Time) {
	w, h := gray.Cols(), gray.Rows()
	pix, err := gray.DataPtrUint8()
	if err != nil || len(pix) < w*h {
		return
	}
	step := gray.Step()
	if cap(s.last) < w*h {
		s.last = make([]byte, w*h)
	}
	s.last = s.last[:w*h]
	for y := range h {
		copy(s.last[y*w:(y+1)*w], pix[y*step:y*step+w])
	}
	s.lastW, s.lastH, s.lastCodes, s.lastTime = w, h, found, at
}

// Frame returns a copy of the latest frame decoded, gray, with the
// barcodes read in it; false before the first.
func (s *Source) Frame() (*image.Gray, []decode.Barcode, time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastW == 0 {
		return nil, nil, time.Time{}, false
	}
	img := image.NewGray(image.Rect(0, 0, s.lastW, s.lastH))
	copy(img.Pix, s.last)
	return img, s.lastCodes, s.lastTime, true
}

// Next returns the next scan; io.EOF when a video file ends, and
// framing.ErrClosed after Close.
func (s *Source) Next(ctx context.Context) (serialgate.Scan, error) { return s.pipe.Next(ctx) }

// Stats returns the frame timings so far.
func (s *Source) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Close stops reading and releases the camera: a Next waiting returns
// framing.ErrClosed at once. It waits for the frame being read and
// decoded, as the capture may not be released under it.
func (s *Source) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		s.pipe.Close()
		<-s.done
		if cerr := s.cap.Close(); cerr != nil {
			err = fmt.Errorf("close camera %s: %w", s.cfg.Device, cerr)
		}
	})
	return err
}
