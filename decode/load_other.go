//go:build !unix

package decode

import "io"

// mapInput maps nothing here: the caller reads r.
func mapInput(io.Reader) ([]byte, func()) { return nil, nil }
