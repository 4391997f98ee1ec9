package photo

import (
	"image"
	"image/color"
	"testing"
)

// halfBlack is a w×h image, black on its left half.
func halfBlack(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := uint8(255)
			if x < w/2 {
				v = 0
			}
			img.SetGray(x, y, color.Gray{v})
		}
	}
	return img
}

func TestRenderGeometry(t *testing.T) {
	src := halfBlack(40, 20)
	out := Render(src, Params{Scale: 2, Margin: 5})
	if w, h := out.Bounds().Dx(), out.Bounds().Dy(); w < 90 || w > 92 || h < 50 || h > 52 {
		t.Fatalf("size %dx%d, want about 91x51", w, h)
	}
	if v := out.GrayAt(20, 25).Y; v != 30 {
		t.Errorf("ink at (20,25) = %d, want 30", v)
	}
	if v := out.GrayAt(70, 25).Y; v != 225 {
		t.Errorf("paper at (70,25) = %d, want 225", v)
	}
	// A quarter turn counterclockwise takes the left half to the bottom.
	turned := Render(src, Params{Angle: 90})
	w, h := turned.Bounds().Dx(), turned.Bounds().Dy()
	if w > h {
		t.Fatalf("turned size %dx%d: not upright", w, h)
	}
	if top, bottom := turned.GrayAt(w/2, h/4).Y, turned.GrayAt(w/2, 3*h/4).Y; top < 200 || bottom > 50 {
		t.Errorf("turned: top %d, bottom %d; want light above, dark below", top, bottom)
	}
}

func TestRenderNoiseIsSeeded(t *testing.T) {
	src := halfBlack(30, 30)
	a := Render(src, Params{Noise: 10, Blur: 1, Seed: 7})
	b := Render(src, Params{Noise: 10, Blur: 1, Seed: 7})
	c := Render(src, Params{Noise: 10, Blur: 1, Seed: 8})
	if string(a.Pix) != string(b.Pix) {
		t.Error("the same seed gave different images")
	}
	if string(a.Pix) == string(c.Pix) {
		t.Error("different seeds gave the same image")
	}
}
