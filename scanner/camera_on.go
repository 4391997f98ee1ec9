//go:build camera

package scanner

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/serialgate/serialgate/scanner/camera"
	"github.com/serialgate/serialgate/scanner/framing"
)

func openCamera(sp spec, _ *slog.Logger) (*Opened, error) {
	hold := time.Second
	if v := sp.q.Get("holdoff"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("source option holdoff=%q: want a duration such as 1s or 500ms", v)
		}
		hold = d
	}
	c, err := camera.Open(camera.Config{Device: sp.path, HoldOff: framing.HoldOff{Window: hold}})
	if err != nil {
		return nil, err
	}
	return &Opened{cameraFrames{c}, c.Close}, nil
}

// cameraFrames shows a camera's latest frame as a Framer.
type cameraFrames struct{ *camera.Source }

func (c cameraFrames) Frame() (Frame, bool) {
	img, codes, at, ok := c.Source.Frame()
	if !ok {
		return Frame{}, false
	}
	return Frame{Name: fmt.Sprintf("camera frame %s", at.Format("15:04:05.000")), Image: img, Codes: codes, Time: at}, true
}
