//go:build camera

package main

import (
	"log/slog"
	"time"

	"github.com/serialgate/serialgate/scanner"
	"github.com/serialgate/serialgate/scanner/camera"
)

func openCamera(sp spec, _ *slog.Logger) (*source, error) {
	hold := time.Second
	if v := sp.q.Get("holdoff"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return nil, err
		}
		hold = d
	}
	c, err := camera.Open(camera.Config{Device: sp.path, HoldOff: scanner.HoldOff{Window: hold}})
	if err != nil {
		return nil, err
	}
	return &source{c, c.Close}, nil
}
