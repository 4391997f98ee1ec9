// Package camera reads barcodes from a camera or a video file through
// gocv (OpenCV). Its code is built only with the build tag "camera"
// (OpenCV 4.6 and gocv v0.31.0), so that the default build needs no cgo.
package camera
