package decode

import "fmt"

// ReaderPanic is a panic raised inside one of gozxing's readers, detectors
// or binarizers, caught and turned into an error: gozxing indexes slices
// with values taken from the image and can panic on odd input, which must
// cost one failed read, not the whole image.
type ReaderPanic struct {
	Reader string // the gozxing part that panicked, such as "qr code reader"
	Value  any    // what it panicked with
}

func (e *ReaderPanic) Error() string {
	return fmt.Sprintf("gozxing %s panicked: %v", e.Reader, e.Value)
}

// zxing makes call, a call into gozxing, and returns a panic inside it as a
// *ReaderPanic. Every call into gozxing that looks at image data goes
// through here, and nothing else does, so that a panic in this package's own
// code still crashes tests and fuzzing instead of passing for a failed read.
func zxing[T any](reader string, call func() (T, error)) (out T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			out, err = zero, &ReaderPanic{Reader: reader, Value: r}
		}
	}()
	return call()
}

// ownHook, nil except in tests, is called at places in this package's own
// code that run between calls into gozxing (on the worker goroutines too),
// so that a test can raise a panic there and check that it is not caught.
var ownHook func(where string)
