// Package javadiff checks serialgate's Java dialect against the real JDK:
// it generates rules over the syntax java.util.regex accepts and serials
// that probe their edges, and asks a JVM (Oracle.java, run from source)
// whether each rule compiles and whether each serial matches it with
// Matcher.matches(), the verdict serialgate gives.
package javadiff

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Case is one rule and the strings to check against it.
type Case struct {
	Rule    string
	Strings []string
}

// Result is the JDK's answer for one Case.
type Result struct {
	Compiled bool
	Err      string // the PatternSyntaxException's description when not compiled
	// Verdicts has one byte per string: '1' matches, '0' does not, 'T' the
	// match ran past the oracle's time limit, 'O' it overflowed the stack.
	Verdicts []byte
}

// Source is the path of Oracle.java.
func Source() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "Oracle.java")
}

// Run starts one JVM for all of cases and returns its answers in order.
func Run(ctx context.Context, java string, cases []Case) ([]Result, error) {
	cmd := exec.CommandContext(ctx, java, "-Xss64m", Source())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start oracle: %w", err)
	}
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(stdin, 1<<16)
		for _, c := range cases {
			writeItem(w, 'R', c.Rule)
			for _, s := range c.Strings {
				writeItem(w, 'S', s)
			}
		}
		err := w.Flush()
		if cerr := stdin.Close(); err == nil {
			err = cerr
		}
		werr <- err
	}()
	results, rerr := readResults(stdout, cases)
	if rerr != nil {
		io.Copy(io.Discard, stdout)
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("run oracle: %w: %s", err, stderr.String())
	}
	if err := <-werr; err != nil {
		return nil, fmt.Errorf("write to oracle: %w", err)
	}
	return results, rerr
}

func writeItem(w *bufio.Writer, kind byte, text string) {
	w.WriteByte(kind)
	w.WriteByte(' ')
	var buf [512]byte
	for len(text) > 0 {
		n := min(len(text), len(buf)/2)
		hex.Encode(buf[:], []byte(text[:n]))
		w.Write(buf[:2*n])
		text = text[n:]
	}
	w.WriteByte('\n')
}

func readResults(r io.Reader, cases []Case) ([]Result, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<26)
	line := func() (string, error) {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return "", err
			}
			return "", io.ErrUnexpectedEOF
		}
		return sc.Text(), nil
	}
	out := make([]Result, len(cases))
	for i, c := range cases {
		head, err := line()
		if err != nil {
			return nil, fmt.Errorf("read oracle answer %d: %w", i, err)
		}
		verdicts, err := line()
		if err != nil {
			return nil, fmt.Errorf("read oracle answer %d: %w", i, err)
		}
		switch {
		case head == "C":
			if len(verdicts) != len(c.Strings) {
				return nil, fmt.Errorf("read oracle answer %d: %d verdicts for %d strings", i, len(verdicts), len(c.Strings))
			}
			out[i] = Result{Compiled: true, Verdicts: []byte(verdicts)}
		case strings.HasPrefix(head, "E "):
			msg, err := hex.DecodeString(head[2:])
			if err != nil {
				return nil, fmt.Errorf("read oracle answer %d: %w", i, err)
			}
			out[i] = Result{Err: string(msg)}
		default:
			return nil, fmt.Errorf("read oracle answer %d: unexpected line %q", i, head)
		}
	}
	return out, nil
}
