package ui

import (
	"context"
	"image"
	"time"
)

// Frame is a camera's picture with the barcodes found in it, for the
// screen's preview.
type Frame struct {
	JPEG          []byte
	Width, Height int
	Boxes         []Box
	Time          time.Time
}

// Box is one barcode found in a frame: its text and its outline's corners
// in the frame's pixels.
type Box struct {
	Text   string        `json:"text"`
	Points []image.Point `json:"points"`
	// Chosen marks the barcode the station judged: the serial picked
	// among the label's barcodes.
	Chosen bool `json:"chosen,omitempty"`
}

// Preview returns the camera's latest frame.
type Preview func(ctx context.Context) (Frame, error)
