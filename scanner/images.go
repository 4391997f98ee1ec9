package scanner

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/scanner/framing"
)

// Frame is the latest picture a picture source decoded, with what it read
// there, for an operator screen's preview.
type Frame struct {
	Name  string      // the picture's name: a file, or a camera and frame number
	Image image.Image // the picture (gray for a camera)
	Codes []decode.Barcode
	Time  time.Time
}

// Framer is a source that shows its pictures: a camera or a picture source.
type Framer interface {
	// Frame returns the latest picture decoded; false before the first.
	Frame() (Frame, bool)
}

// Picture is one picture of a label for a Pictures source, with its name.
type Picture struct {
	Name  string
	Image image.Image
}

// PictureFunc gives the next picture; io.EOF when there are no more.
type PictureFunc func(ctx context.Context) (Picture, error)

// Pictures is a camera-free source of label pictures: files, or pictures a
// program draws. Each picture is decoded as a camera frame would be and
// becomes one scan carrying every barcode read off it (Scan.Label), at a
// steady rate, and the latest stays on view for a preview.
type Pictures struct {
	name  string
	next  PictureFunc
	dec   *decode.Decoder
	every time.Duration
	pipe  *framing.Pipe
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once

	mu    sync.Mutex
	frame Frame
	have  bool
}

var (
	_ serialgate.Source = (*Pictures)(nil)
	_ Framer            = (*Pictures)(nil)
)

// NewPictures starts a picture source named name: next gives the pictures,
// rate is pictures per second (0: as fast as they decode). A nil decoder
// means the decoder's default (thorough) mode: a still picture gets one
// try, not the next frame's.
func NewPictures(name string, next PictureFunc, rate float64, dec *decode.Decoder) *Pictures {
	if dec == nil {
		dec = decode.New(decode.Options{})
	}
	p := &Pictures{name: name, next: next, dec: dec, pipe: framing.NewPipe(16),
		stop: make(chan struct{}), done: make(chan struct{})}
	if rate > 0 {
		p.every = time.Duration(float64(time.Second) / rate)
	}
	go p.run()
	return p
}

func (p *Pictures) run() {
	defer close(p.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-p.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	tick := time.Now()
	for {
		pic, err := p.next(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) {
				p.pipe.End(io.EOF)
			} else if ctx.Err() == nil {
				p.pipe.End(fmt.Errorf("%s: %w", p.name, err))
			}
			return
		}
		found, err := p.dec.Image(pic.Image)
		if err != nil {
			p.pipe.End(fmt.Errorf("%s: decode %s: %w", p.name, pic.Name, err))
			return
		}
		now := time.Now()
		p.mu.Lock()
		p.frame, p.have = Frame{Name: pic.Name, Image: pic.Image, Codes: found, Time: now}, true
		p.mu.Unlock()
		sc := serialgate.Scan{Time: now, Source: p.name, Picture: pic.Name, Label: decode.Barcodes(found)}
		if len(found) > 0 {
			sc.Text, sc.AIM = found[0].Text, found[0].AIM
		} else {
			sc.Label = []serialgate.Barcode{}
		}
		if !p.pipe.Send(sc, p.stop) {
			return
		}
		if p.every > 0 {
			tick = tick.Add(p.every)
			if wait := time.Until(tick); wait > 0 {
				select {
				case <-time.After(wait):
				case <-p.stop:
					return
				}
			} else {
				tick = time.Now()
			}
		}
	}
}

// Next returns the next picture's scan; io.EOF after the last picture.
func (p *Pictures) Next(ctx context.Context) (serialgate.Scan, error) { return p.pipe.Next(ctx) }

// Frame returns the latest picture decoded.
func (p *Pictures) Frame() (Frame, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.frame, p.have
}

// Close stops the source; a Next waiting returns framing.ErrClosed.
func (p *Pictures) Close() error {
	p.once.Do(func() {
		close(p.stop)
		p.pipe.Close()
		<-p.done
	})
	return nil
}

// pictureExts are the file names a picture folder's pictures have.
var pictureExts = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}

// PictureFiles lists the pictures path names: a file, a folder's picture
// files (by name), or a glob pattern's matches.
func PictureFiles(path string) ([]string, error) {
	if strings.ContainsAny(path, "*?[") {
		files, err := filepath.Glob(path)
		if err != nil {
			return nil, fmt.Errorf("images %s: %w", path, err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("images %s: no file matches", path)
		}
		slices.Sort(files)
		return files, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && slices.Contains(pictureExts, strings.ToLower(filepath.Ext(e.Name()))) {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("images %s: no picture files (%s) in the folder", path, strings.Join(pictureExts, " "))
	}
	return files, nil
}

// FilePictures gives the files' pictures in turn, from the start again
// when loop is set. A file that cannot be read ends the source with an
// error naming it.
func FilePictures(files []string, loop bool) PictureFunc {
	i := 0
	return func(ctx context.Context) (Picture, error) {
		if err := ctx.Err(); err != nil {
			return Picture{}, err
		}
		if i == len(files) {
			if !loop || len(files) == 0 {
				return Picture{}, io.EOF
			}
			i = 0
		}
		name := files[i]
		i++
		f, err := os.Open(name)
		if err != nil {
			return Picture{}, err
		}
		defer f.Close()
		// The picture is shown on the operator screen's preview: in colour.
		img, err := decode.ReadColorImage(f, name)
		if err != nil {
			return Picture{}, err
		}
		return Picture{Name: name, Image: img}, nil
	}
}
