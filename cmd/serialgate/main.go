// Command serialgate checks device serial numbers against the
// manufacturers' per-model serial rules. Run "serialgate help" for the
// subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/serialgate/serialgate"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // some serial was rejected, or a rules file has errors
	exitUsage   = 2 // bad usage or an I/O error
)

// graceAfterSignal is how long a command has to finish its work and flush
// its output after Ctrl-C or SIGTERM before the process ends regardless.
const graceAfterSignal = 3 * time.Second

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	// The signal relay is set up beside the command, not before it: it
	// takes a thread of its own, about 0.35 ms that a one-image decode
	// would otherwise wait for. A signal in the first instants, before the
	// relay is in place and before any work is done, ends the process as
	// it always would.
	startRelay = sync.OnceValue(func() <-chan struct{} {
		ready := make(chan struct{})
		go relaySignals(cancel, ready)
		return ready
	})
	os.Exit(Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// startRelay starts the signal relay, once, and returns a channel closed
// once the relay catches signals. Main starts it for every command but
// decode, and goes on without waiting. A decode starts it only where it
// has output to save (more than one file) or a rasterizer to stop (a PDF),
// and waits for it before its first file: a decode of one image is ended
// by Ctrl-C like any short command, and does not pay for the relay's
// threads (about 0.4 ms of a 12 ms decode on a 2-core virtual machine,
// where they compete with the decoder for the cores).
var startRelay = func() <-chan struct{} { return relayless }

// relayless is startRelay's channel where no relay is set up (tests call
// Main with a context of their own).
var relayless = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// relaySignals ends the commands' context on Ctrl-C or SIGTERM. From then
// a second Ctrl-C ends the process at once, and a command stuck where it
// cannot watch the context (a blocking read of a terminal) is ended after
// a grace period.
func relaySignals(cancel context.CancelFunc, ready chan<- struct{}) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt, syscall.SIGTERM)
	close(ready)
	<-c
	signal.Stop(c)
	cancel()
	time.Sleep(graceAfterSignal)
	fmt.Fprintln(os.Stderr, "serialgate: interrupted")
	os.Exit(130)
}

// env is what a subcommand runs with.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// openInput opens a file to read, giving up when ctx ends: opening a FIFO
// waits for its writer. Reads of a pipe or device that block are ended
// when ctx ends too.
func openInput(ctx context.Context, name string) (*os.File, error) {
	fi, err := os.Stat(name)
	if err == nil && fi.IsDir() {
		return nil, fmt.Errorf("open %s: is a directory", name)
	}
	if err == nil && fi.Mode().IsRegular() {
		// A regular file opens at once: no goroutine to wait on (it would
		// wake a second thread, a tenth of a millisecond of a one-image
		// decode), nothing for Ctrl-C to interrupt.
		return openRegular(name)
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(name)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, o.err
		}
		context.AfterFunc(ctx, func() { o.f.SetReadDeadline(time.Now()) })
		return o.f, nil
	case <-ctx.Done():
		go func() { // close the file should the open finish after all
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// terminal is standard input when it is a file, for the tty source.
func (e *env) terminal() *os.File {
	f, _ := e.stdin.(*os.File)
	return f
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
}

// Main runs the command line args and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			return Main(ctx, []string{args[1], "--help"}, stdin, stdout, stderr)
		}
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if c.name != "decode" {
				startRelay()
			}
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "serialgate: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: serialgate COMMAND [flags] [args]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "serialgate COMMAND --help" for a command's flags.`)
}

func runVersion(e *env, args []string) int {
	fs := newFlags(e, "version", "", "Prints serialgate's version.")
	if code, ok := parse(fs, args, nil); !ok {
		return code
	}
	fmt.Fprintln(e.stdout, "serialgate", serialgate.Version)
	return exitOK
}

// newFlags makes a flag set that reports to e.stderr.
func newFlags(e *env, name, argsUsage, doc string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: serialgate %s [flags] %s\n\n%s\n", name, argsUsage, doc)
		var flags strings.Builder
		fs.SetOutput(&flags)
		fs.PrintDefaults()
		fs.SetOutput(e.stderr)
		if flags.Len() > 0 {
			fmt.Fprintf(fs.Output(), "\nflags:\n%s", flags.String())
		}
	}
	return fs
}

// parse parses flags that may stand before, between or after the
// positional arguments, which it appends to *pos. ok is false when the
// command should stop with code (0 after --help).
func parse(fs *flag.FlagSet, args []string, pos *[]string) (code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK, false
			}
			return exitUsage, false
		}
		rest := fs.Args()
		// After "--" everything is an argument, even names that start
		// with "-".
		ended := len(rest) < len(args) && args[len(args)-len(rest)-1] == "--"
		args = rest
		if len(args) == 0 {
			return 0, true
		}
		if pos == nil {
			fmt.Fprintf(fs.Output(), "serialgate %s: unexpected argument %q\n", fs.Name(), args[0])
			return exitUsage, false
		}
		if ended {
			*pos = append(*pos, args...)
			return 0, true
		}
		*pos = append(*pos, args[0])
		args = args[1:]
	}
}
