//go:build decodeonly

// The decode-only binary runs once per image: GOMAXPROCS, taken from the
// CPUs and the cgroup's quota at start, is not watched for changes (a
// goroutine and a check of the cgroup files a second that a one-image
// decode has no use for).

//go:debug updatemaxprocs=0

package main
