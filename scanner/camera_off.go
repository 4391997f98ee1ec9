//go:build !camera

package scanner

import (
	"errors"
	"log/slog"
)

func openCamera(spec, *slog.Logger) (*Opened, error) {
	return nil, errors.New("source camera: this serialgate was built without camera support (build with -tags camera and OpenCV)")
}
