package worker_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

var bin string // the gopherlab binary built for these tests

func TestMain(m *testing.M) {
	os.Exit(kerneltest.RunWithBinary(m, &bin))
}

// proc is a `gopherlab worker` process, driven over its real pipes as the
// kernel drives it.
type proc struct {
	t        *testing.T
	cmd      *exec.Cmd
	requests *workerproto.Writer
	reqPipe  *os.File
	events   chan workerproto.Message
	crash    bytes.Buffer // the worker's own stderr

	mu     sync.Mutex
	stdout bytes.Buffer // the cell's stdout, markers and all
	cond   *sync.Cond
}

const nonce = "test1"

func startWorker(t *testing.T) *proc {
	t.Helper()
	reqR, reqW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, requests: workerproto.NewWriter(reqW), reqPipe: reqW, events: make(chan workerproto.Message, 64)}
	p.cond = sync.NewCond(&p.mu)
	p.cmd = exec.Command(bin, "worker")
	p.cmd.Env = append(os.Environ(), "GOPHERLAB_NONCE="+nonce)
	p.cmd.Dir = t.TempDir()
	p.cmd.Stdout = outW
	p.cmd.Stderr = &p.crash
	p.cmd.ExtraFiles = []*os.File{reqR, evW, outW} // fds 3, 4, 5: the cell's stderr joins its stdout
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	reqR.Close()
	evW.Close()
	outW.Close()
	var readers sync.WaitGroup
	readers.Add(2)
	go func() { // ends when the worker exits
		defer readers.Done()
		defer close(p.events)
		r := workerproto.NewReader(evR)
		for {
			m, err := r.Read()
			if err != nil {
				return
			}
			p.events <- m
		}
	}()
	go func() { // ends when the worker exits
		defer readers.Done()
		buf := make([]byte, 4096)
		for {
			n, err := outR.Read(buf)
			p.mu.Lock()
			p.stdout.Write(buf[:n])
			p.cond.Broadcast()
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		reqW.Close() // a healthy worker exits at the end of its requests
		done := make(chan struct{})
		go func() { p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-done
			t.Errorf("the worker did not exit when its request pipe closed")
		}
		readers.Wait()
		evR.Close()
		outR.Close()
	})
	if _, ok := p.next().(*workerproto.Ready); !ok {
		t.Fatalf("the worker's first event is not ready\n%s", p.crash.String())
	}
	return p
}

func (p *proc) send(m workerproto.Message) {
	p.t.Helper()
	if err := p.requests.Write(m); err != nil {
		p.t.Fatal(err)
	}
}

// next returns the next event, within a minute (a busy machine is slow).
func (p *proc) next() workerproto.Message {
	p.t.Helper()
	select {
	case m, ok := <-p.events:
		if !ok {
			p.t.Fatalf("the worker exited\n%s", p.crash.String())
		}
		return m
	case <-time.After(time.Minute):
		p.t.Fatalf("no event from the worker within a minute")
		return nil
	}
}

// reply returns the next event that is not a display.
func (p *proc) reply() workerproto.Message {
	p.t.Helper()
	for {
		if m := p.next(); m.Kind() != "display" {
			return m
		}
	}
}

// waitOutput waits until the cell's output holds s.
func (p *proc) waitOutput(s string) {
	p.t.Helper()
	deadline := time.AfterFunc(time.Minute, func() { p.mu.Lock(); p.cond.Broadcast(); p.mu.Unlock() })
	defer deadline.Stop()
	start := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	for !strings.Contains(p.stdout.String(), s) {
		if time.Since(start) > time.Minute {
			p.t.Fatalf("no %q in the output within a minute: %q", s, p.stdout.String())
		}
		p.cond.Wait()
	}
}

func TestExecuteReplyMatchesRequest(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Execute{ID: 41, Code: "1+1", ExecCount: 1})
	r, ok := p.reply().(*workerproto.ExecuteReply)
	if !ok || r.ID != 41 || r.Error != nil || string(r.Data) != `{"text/plain":"2"}` || r.Text != "2" || r.Sync == 0 {
		t.Fatalf("reply %#v", r)
	}
	p.send(&workerproto.Execute{ID: 42, Code: `panic("boom")`, ExecCount: 2})
	r, ok = p.reply().(*workerproto.ExecuteReply)
	if !ok || r.ID != 42 || r.Error == nil || r.Error.Name != "panic" || r.Error.Value != "boom" {
		t.Fatalf("reply %#v", r)
	}
	if got := strings.Join(r.Error.Traceback, "\n"); !strings.Contains(got, "in cell 2") {
		t.Errorf("the panic's traceback does not name its cell: %q", got)
	}
}

func TestAssistReplies(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Execute{ID: 1, Code: `import "strings"`, ExecCount: 1})
	p.reply()
	p.send(&workerproto.Complete{ID: 2, Code: "strings.ToU", Cursor: 11})
	if c, ok := p.reply().(*workerproto.CompleteReply); !ok || c.ID != 2 || !contains(c.Matches, "strings.ToUpper") && !contains(c.Matches, "ToUpper") {
		t.Errorf("complete: %#v", c)
	}
	p.send(&workerproto.Inspect{ID: 3, Code: "strings.ToUpper", Cursor: 10})
	if c, ok := p.reply().(*workerproto.InspectReply); !ok || c.ID != 3 || !c.Found || !strings.Contains(c.Text, "ToUpper") {
		t.Errorf("inspect: %#v", c)
	}
	p.send(&workerproto.IsComplete{ID: 4, Code: "for {"})
	if c, ok := p.reply().(*workerproto.IsCompleteReply); !ok || c.ID != 4 || c.Status != "incomplete" {
		t.Errorf("is_complete: %#v", c)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// An interrupt for a request that has not started yet (it is on its way)
// stops it as soon as it starts.
func TestInterruptBeforeStart(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Interrupt{ID: 7})
	p.send(&workerproto.Execute{ID: 7, Code: "for {\n}", ExecCount: 1})
	r, ok := p.reply().(*workerproto.ExecuteReply)
	if !ok || r.ID != 7 || r.Error == nil || r.Error.Name != "Interrupted" {
		t.Fatalf("reply %#v", r)
	}
	// An interrupt of a request that has ended does not touch the next.
	p.send(&workerproto.Interrupt{ID: 7})
	p.send(&workerproto.Execute{ID: 8, Code: "2+2", ExecCount: 2})
	if r, ok := p.reply().(*workerproto.ExecuteReply); !ok || r.ID != 8 || r.Error != nil || r.Text != "4" {
		t.Fatalf("reply %#v", r)
	}
}

// A running cell is interrupted once it is seen running (its output), with
// no sleep, and the session goes on.
func TestInterruptRunning(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Execute{ID: 1, Code: "import \"fmt\"\nimport \"time\"\nkeep := 42", ExecCount: 1})
	p.reply()
	// (Cells that block with no timer pending end as deadlocks instead.)
	for i, cell := range []string{"for {\n}", "time.Sleep(time.Hour)", "<-time.After(time.Hour)"} {
		id := uint64(10 + i)
		marker := fmt.Sprintf("started %d", i)
		p.send(&workerproto.Execute{ID: id, Code: fmt.Sprintf("fmt.Println(%q)\n%s", marker, cell), ExecCount: 2 + i})
		p.waitOutput(marker)
		p.send(&workerproto.Interrupt{ID: id})
		r, ok := p.reply().(*workerproto.ExecuteReply)
		if !ok || r.ID != id || r.Error == nil || r.Error.Name != "Interrupted" || r.Restart {
			t.Fatalf("%s: reply %#v", cell, r)
		}
	}
	p.send(&workerproto.Execute{ID: 99, Code: "keep", ExecCount: 9})
	if r, ok := p.reply().(*workerproto.ExecuteReply); !ok || r.Text != "42" {
		t.Fatalf("the session was lost: %#v", r)
	}
}

// A display goes out as the raw JSON the cell made, after the output
// printed before it (its sync marker is in the output).
func TestDisplay(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Execute{ID: 1, Code: "import \"github.com/gopherlab/gopherlab/kernel/display\"\nimport \"fmt\"\nfmt.Println(\"before\")\ndisplay.HTML(\"<b>hi</b>\")", ExecCount: 1})
	var d *workerproto.Display
	for d == nil {
		switch m := p.next().(type) {
		case *workerproto.Display:
			d = m
		case *workerproto.ExecuteReply:
			t.Fatalf("the cell ended with no display: %#v", m)
		}
	}
	var content struct {
		Data map[string]string `json:"data"`
	}
	if err := json.Unmarshal(d.Content, &content); err != nil || content.Data["text/html"] != "<b>hi</b>" || d.MsgType != "display_data" {
		t.Fatalf("display %s %s: %v", d.MsgType, d.Content, err)
	}
	p.waitOutput(string(workerproto.Marker(nonce, d.Sync)))
	p.mu.Lock()
	out := p.stdout.String()
	p.mu.Unlock()
	if i := strings.Index(out, "before"); i < 0 || i > strings.Index(out, string(workerproto.Marker(nonce, d.Sync))) {
		t.Errorf("the output before the display does not come before its marker: %q", out)
	}
	p.reply()
}

// Magics come from one table: a line magic used as a cell magic and the
// other way round are refused with a clear error, and %help lists them.
func TestMagicTable(t *testing.T) {
	p := startWorker(t)
	for i, tt := range []struct{ code, want string }{
		{"%%who\nx := 1", "who is a line magic"},
		{"%run", "run is a cell magic"},
		{"%nosuch", "unknown magic %nosuch"},
	} {
		p.send(&workerproto.Execute{ID: uint64(i + 1), Code: tt.code, ExecCount: i + 1})
		r, ok := p.reply().(*workerproto.ExecuteReply)
		if !ok || r.Error == nil || !strings.Contains(r.Error.Value, tt.want) {
			t.Errorf("%q: reply %#v, want an error with %q", tt.code, r, tt.want)
		}
	}
	p.send(&workerproto.Execute{ID: 10, Code: "%help", ExecCount: 10})
	r, ok := p.reply().(*workerproto.ExecuteReply)
	if !ok {
		t.Fatalf("%%help: reply %#v", r)
	}
	p.waitOutput(string(workerproto.Marker(nonce, r.Sync))) // the output up to the reply
	p.mu.Lock()
	out := p.stdout.String()
	p.mu.Unlock()
	for _, m := range []string{"%help", "%env", "%cd DIR", "%%writefile F", "%time STMT", "%timeit STMT", "%who", "%goroutines", "%reset", "%%run", "%%race", "%grade [EX]", "!cmd"} {
		if !strings.Contains(out, m+"  ") {
			t.Errorf("%%help does not list %s:\n%s", m, out)
		}
	}
}

// A message the worker does not take ends it with an error that says so.
func TestUnexpectedMessage(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Ready{Version: "go1.26"})
	for range p.events {
	}
	if err := p.cmd.Wait(); err == nil || !strings.Contains(p.crash.String(), "unexpected ready message") {
		t.Errorf("worker exit %v, stderr %q", err, p.crash.String())
	}
}

// A cell blocked inside compiled code (a mutex, a RWMutex, a Cond, a
// semaphore), which no interrupt reaches, is left blocked: the session is
// kept and the error says what was lost. (An interrupt that lands before
// the cell reaches its wait stops it cleanly: the cell says "started" from a
// goroutine a little after it begins to wait, and the test asks for the
// report of what was lost in at least one of the four.)
func TestInterruptCompiledWaits(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Execute{ID: 1, Code: "import \"fmt\"\nimport \"sync\"\nimport \"time\"\nimport \"context\"\nimport \"golang.org/x/sync/semaphore\"\nkeep := 42\n" +
		"go func() { time.Sleep(time.Hour) }() // a timer pending: not a deadlock", ExecCount: 1})
	if r, ok := p.reply().(*workerproto.ExecuteReply); !ok || r.Error != nil {
		t.Fatalf("setup: %#v", r)
	}
	cells := []struct{ name, code, state string }{
		{"Mutex", "var mu sync.Mutex\nmu.Lock()\nmu.Lock()", "Mutex.Lock"},
		{"RWMutex", "var rw sync.RWMutex\nrw.Lock()\nrw.RLock()", "RWMutex.RLock"},
		{"Cond", "var cmu sync.Mutex\nc := sync.NewCond(&cmu)\ncmu.Lock()\nc.Wait()", "Cond.Wait"},
		{"semaphore", "sem := semaphore.NewWeighted(1)\nsem.Acquire(context.Background(), 1)\nsem.Acquire(context.Background(), 1)", "semaphore"},
	}
	reported := 0
	for i, c := range cells {
		id := uint64(10 + i)
		started := fmt.Sprintf("go func() { time.Sleep(100 * time.Millisecond); fmt.Println(%q) }()\n", "started "+c.name)
		p.send(&workerproto.Execute{ID: id, Code: started + c.code, ExecCount: 2 + i})
		p.waitOutput("started " + c.name)
		p.send(&workerproto.Interrupt{ID: id})
		r, ok := p.reply().(*workerproto.ExecuteReply)
		if !ok || r.ID != id || r.Error == nil || r.Error.Name != "Interrupted" || r.Restart {
			t.Fatalf("%s: reply %#v", c.name, r)
		}
		tb := strings.Join(r.Error.Traceback, "\n")
		if !strings.Contains(tb, "stays") {
			continue // stopped before it waited
		}
		reported++
		if !strings.Contains(tb, c.state) || !strings.Contains(tb, "is lost") {
			t.Errorf("%s: the error does not say where the goroutine stays and what is lost: %q", c.name, tb)
		}
	}
	if reported == 0 {
		t.Error("no cell was interrupted while it waited in compiled code")
	}
	p.send(&workerproto.Execute{ID: 99, Code: "keep", ExecCount: 9})
	if r, ok := p.reply().(*workerproto.ExecuteReply); !ok || r.Text != "42" {
		t.Fatalf("the session was lost: %#v", r)
	}
}

// A cell sees the command line of a program run with no arguments, as under
// go run, not the worker's ("gopherlab worker ...").
func TestCellsSeeNoArguments(t *testing.T) {
	p := startWorker(t)
	p.send(&workerproto.Execute{ID: 1, Code: "len(os.Args)", ExecCount: 1})
	r, ok := p.reply().(*workerproto.ExecuteReply)
	if !ok || r.Error != nil || r.Text != "1" {
		t.Fatalf("len(os.Args) in a cell: reply %#v", r)
	}
}
