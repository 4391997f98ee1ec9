//go:build !decodeonly

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/serialgate/serialgate/record"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// serialgateBinary builds the command once per test run: the fault tests
// kill a real process.
func serialgateBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "serialgate-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "serialgate")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// stationProc is a station process under test, fed by a pseudo-terminal
// scanner.
type stationProc struct {
	cmd   *exec.Cmd
	acks  chan stationLine
	ready chan struct{}
	done  chan error
	log   strings.Builder
	mu    sync.Mutex
}

func startStation(t *testing.T, bin string, args ...string) *stationProc {
	t.Helper()
	p := &stationProc{cmd: exec.Command(bin, append([]string{"station", "--format", "jsonl"}, args...)...),
		acks: make(chan stationLine, 1<<16), ready: make(chan struct{}), done: make(chan error, 1)}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if strings.Contains(sc.Text(), "station started") {
				once.Do(func() { close(p.ready) })
			}
		}
	}()
	go func() {
		defer wg.Done()
		defer close(p.acks)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var l stationLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				// A line cut by kill -9 is not an acknowledgement.
				continue
			}
			p.acks <- l
		}
	}()
	go func() { wg.Wait(); p.done <- p.cmd.Wait() }()
	select {
	case <-p.ready:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Fatalf("station did not start:\n%s", p.stderr())
	}
	return p
}

func (p *stationProc) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// TestStationKill9 kills the station at random moments during a burst of
// 10,000 scans from a pseudo-terminal scanner, 20 times, restarting it
// each time: every acknowledged verdict must be in the record, no serial
// registered twice, every registration with exactly one event, and the
// SQLite file intact.
func TestStationKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real station 20 times")
	}
	bin := serialgateBinary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "station.db")
	const total, rounds = 10000, 20
	manifest := filepath.Join(dir, "orders.csv")
	os.WriteFile(manifest, fmt.Appendf(nil, "order_id,asin,quantity,directed_customer_id\nORDER-1,B0ACME0200,%d,amzn1.account.K9\n", total), 0o644)
	serial := func(i int) string { return fmt.Sprintf("AC2%09d", i) }

	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	go io.Copy(io.Discard, master) // echo, if any, before the station sets raw mode
	args := []string{"--station", "k9", "--workflow", "prereg", "--manifest", manifest,
		"--source", "serial:" + slave.Name() + "?suffix=lf", "--store", "sqlite:" + db, "--sink", "file:" + filepath.Join(dir, "events.jsonl")}

	acked := map[int64]stationLine{} // record id → what the operator was told
	passed := map[string]bool{}
	rng := rand.New(rand.NewPCG(9, 9))
	next := 0
	for round := 0; round <= rounds && next < total; round++ {
		// What the killed station left unread in the terminal's queue is
		// dropped, as a scanner's unplugging would.
		unix.IoctlSetInt(int(slave.Fd()), unix.TCFLSH, unix.TCIFLUSH)
		p := startStation(t, bin, args...)
		fmt.Fprintf(master, "ORDER-1\n")
		for {
			l, ok := <-p.acks
			if !ok {
				t.Fatalf("round %d: station ended before the order scan:\n%s", round, p.stderr())
			}
			acked[l.RecordID] = l
			if l.Verdict == "order" {
				delete(acked, 0)
				break
			}
		}
		// The burst, in a writer that the kill interrupts.
		stop := make(chan struct{})
		from := next
		go func() {
			w := bufio.NewWriter(master)
			for i := from; i < total; i++ {
				select {
				case <-stop:
					return
				default:
				}
				fmt.Fprintf(w, "%s\n", serial(i))
				if i%16 == 0 {
					w.Flush()
				}
			}
			w.Flush()
		}()
		var kill <-chan time.Time
		if round < rounds {
			kill = time.After(time.Duration(50+rng.IntN(700)) * time.Millisecond)
		}
		finished := false
		for !finished {
			select {
			case l, ok := <-p.acks:
				if !ok {
					t.Fatalf("round %d: station ended:\n%s", round, p.stderr())
				}
				if l.RecordID == 0 {
					t.Fatalf("round %d: acknowledged without a record id: %+v", round, l)
				}
				acked[l.RecordID] = l
				if l.OK {
					if passed[l.Serial] {
						t.Fatalf("serial %s passed twice", l.Serial)
					}
					passed[l.Serial] = true
				}
				if l.Serial == serial(total-1) && round == rounds {
					finished = true
				}
			case <-kill:
				p.cmd.Process.Signal(syscall.SIGKILL)
				finished = true
			}
		}
		close(stop)
		if round < rounds {
			// What was in flight when it died: read what got out, then wait.
			for l := range p.acks {
				acked[l.RecordID] = l
				if l.OK {
					passed[l.Serial] = true
				}
			}
			<-p.done
		} else {
			p.cmd.Process.Signal(syscall.SIGINT)
			for l := range p.acks {
				acked[l.RecordID] = l
			}
			if err := <-p.done; err != nil {
				t.Errorf("clean stop: %v\n%s", err, p.stderr())
			}
		}
		// Resume after the last serial acknowledged; the ones in flight come
		// again and must be reported as duplicates, not registered twice.
		for next < total && passed[serial(next)] {
			next++
		}
		// Scans written but never read are dropped with the pty's queue.
		time.Sleep(50 * time.Millisecond)
	}

	st, err := record.Open(context.Background(), "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatalf("integrity: %v", err)
	}
	rows := map[int64]record.Row{}
	okBySerial := map[string]int64{}
	err = st.History(context.Background(), record.Query{}, func(r record.Row) error {
		rows[r.ID] = r
		if r.OK {
			if prev, dup := okBySerial[r.Serial]; dup {
				return fmt.Errorf("serial %s registered twice: records %d and %d", r.Serial, prev, r.ID)
			}
			okBySerial[r.Serial] = r.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, l := range acked {
		r, ok := rows[id]
		if !ok {
			t.Errorf("acknowledged record %d (%s %s) is not in the record", id, l.Serial, l.Verdict)
			continue
		}
		if r.Serial != l.Serial || r.OK != l.OK {
			t.Errorf("record %d is %s ok=%v, acknowledged as %s ok=%v", id, r.Serial, r.OK, l.Serial, l.OK)
		}
	}
	for i := range total {
		if _, ok := okBySerial[serial(i)]; !ok {
			t.Errorf("serial %s never registered", serial(i))
			break
		}
	}
	events := map[int64]int{}
	err = st.Events(context.Background(), record.Query{}, func(ev record.EventState) error {
		events[ev.RecordID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for s, id := range okBySerial {
		if events[id] != 1 {
			t.Errorf("registration %s (record %d) has %d events", s, id, events[id])
		}
	}
	if len(events) != len(okBySerial) {
		t.Errorf("%d records have events, %d registrations", len(events), len(okBySerial))
	}
	t.Logf("%d rounds, %d acknowledged verdicts, %d records, %d registrations, %d events", rounds, len(acked), len(rows), len(okBySerial), len(events))
}

// TestStationDiskFull runs a station whose store is on a small tmpfs that
// fills up: the station refuses scans with an operator message, keeps
// every acknowledged scan, and resumes once space returns.
func TestStationDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a size-limited tmpfs needs root")
	}
	bin := serialgateBinary(t)
	dir := t.TempDir()
	mnt := filepath.Join(dir, "small")
	os.Mkdir(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, out)
	}
	defer exec.Command("umount", "-l", mnt).Run()
	db := filepath.Join(mnt, "station.db")
	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	defer slave.Close()
	go io.Copy(io.Discard, master)
	p := startStation(t, bin, "--station", "full", "--model", "ACME_PURIFIER_200",
		"--source", "serial:"+slave.Name()+"?suffix=lf", "--store", "sqlite:"+db)
	defer p.cmd.Process.Kill()
	scan := func(s string) stationLine {
		t.Helper()
		fmt.Fprintf(master, "%s\n", s)
		select {
		case l, ok := <-p.acks:
			if !ok {
				t.Fatalf("station ended:\n%s", p.stderr())
			}
			return l
		case <-time.After(20 * time.Second):
			t.Fatalf("no verdict for %s:\n%s", s, p.stderr())
		}
		return stationLine{}
	}
	acked := map[int64]string{}
	for i := range 20 {
		l := scan(serialFor(100000 + i))
		if l.Verdict != "pass" {
			t.Fatalf("scan before the disk filled: %+v", l)
		}
		acked[l.RecordID] = l.Serial
	}
	// Fill the disk, leaving nothing for the next transactions.
	filler := filepath.Join(mnt, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	refused := 0
	n := 1
	for ; n < 2000 && refused < 3; n++ {
		l := scan(serialFor(n))
		switch {
		case l.Verdict == "store_failed":
			refused++
			if !strings.Contains(l.Reason, "disk is full") {
				t.Errorf("refusal says %q, want the disk is full", l.Reason)
			}
			if l.RecordID != 0 || l.OK {
				t.Errorf("refused scan carries a record: %+v", l)
			}
		case l.OK:
			acked[l.RecordID] = l.Serial
		default:
			t.Fatalf("scan %d: %+v", n, l)
		}
	}
	if refused == 0 {
		t.Fatalf("the disk never filled after %d scans", n)
	}
	// Space returns: the station takes scans again without a restart.
	os.Remove(filler)
	var resumed stationLine
	for i := 0; i < 20; i++ {
		if resumed = scan(serialFor(n + i)); resumed.OK {
			acked[resumed.RecordID] = resumed.Serial
			break
		}
	}
	if !resumed.OK {
		t.Fatalf("station did not resume after space returned: %+v\n%s", resumed, p.stderr())
	}
	p.cmd.Process.Signal(syscall.SIGINT)
	for range p.acks {
	}
	<-p.done
	st, err := record.Open(context.Background(), "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Fatalf("integrity: %v", err)
	}
	seen := map[int64]string{}
	st.History(context.Background(), record.Query{}, func(r record.Row) error { seen[r.ID] = r.Serial; return nil })
	for id, s := range acked {
		if seen[id] != s {
			t.Errorf("acknowledged %s (record %d) lost: record has %q", s, id, seen[id])
		}
	}
	t.Logf("%d scans acknowledged before and after a full disk, %d refused", len(acked), refused)
}

func serialFor(i int) string { return fmt.Sprintf("AC2%09d", i) }
