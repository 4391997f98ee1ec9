//go:build decodeonly

package main

// commands are the subcommands of the decode-only build (-tags
// decodeonly): the decoder alone, without the station, its stores, its
// servers and their packages, so that a process starts in about half the
// time: the build for calling once per image (see README, serialgate
// decode).
func commands() []command {
	return []command{
		{"decode", "find and print every barcode in images and PDF label files", runDecode},
		{"version", "print the version", runVersion},
	}
}
