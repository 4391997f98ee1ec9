//go:build !unix && !decodeonly

package main

import "os"

func mapFile(*os.File) ([]byte, func()) { return nil, nil }
