// Package examples holds the sample rules file and serial list that the
// README's first command runs on; the binary carries them built in.
package examples

import "embed"

// FS holds rules.yaml and serials.txt.
//
//go:embed rules.yaml serials.txt
var FS embed.FS
