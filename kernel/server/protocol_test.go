package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kerneltest"
	"github.com/gopherlab/gopherlab/kernel/wire"
)

// TestBadMessagesAreDropped sends malformed, forged and oversized messages
// to the kernel's shell socket. Each is dropped, and the kernel still answers
// the next request.
func TestBadMessagesAreDropped(t *testing.T) {
	k := startKernel(t)
	good, err := k.Client.Request("execute_request", map[string]any{"code": "1+1"})
	if err != nil {
		t.Fatal(err)
	}
	header, _ := json.Marshal(good.Header)
	obj := []byte("{}")
	delim := []byte("<IDS|MSG>")
	forger, _ := wire.NewSigner("hmac-sha256", "not the key")
	tests := []struct {
		name   string
		frames [][]byte
	}{
		{"one frame", [][]byte{[]byte("hello")}},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b"), []byte("c")}},
		{"too few frames", [][]byte{delim, []byte("sig"), header}},
		{"header not JSON", [][]byte{delim, []byte(""), []byte("{oops"), obj, obj, obj}},
		{"unsigned", [][]byte{delim, []byte(""), header, obj, obj, []byte(`{"code":"1+1"}`)}},
		{"signed with another key", [][]byte{delim, forger.Sign(header, obj, obj, obj), header, obj, obj, obj}},
		{"oversized", [][]byte{delim, []byte(""), header, obj, obj, make([]byte, wire.MaxMessageSize+1)}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := k.Client.Shell.SendRaw(tt.frames...); err != nil {
				t.Fatal(err)
			}
			r, err := k.Execute(ctx, "40 + 2")
			if err != nil || r.Value() != "42" {
				t.Fatalf("the kernel no longer answers after %s: %q, %v\nkernel log:\n%s", tt.name, r.Value(), err, k.Log.String())
			}
		})
	}
}

// TestUnknownRequest gets an error reply, not silence.
func TestUnknownRequest(t *testing.T) {
	k := startKernel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := k.Request(ctx, k.Client.Shell, "frobnicate_request", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	json.Unmarshal(r.Content, &c)
	if r.Header.MsgType != "frobnicate_reply" || c["status"] != "error" || c["ename"] != "UnknownMessageType" {
		t.Errorf("reply %s %s", r.Header.MsgType, r.Content)
	}
}

// TestInput answers a cell's read of standard input through the stdin
// channel.
func TestInput(t *testing.T) {
	k := startKernel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m, err := k.Client.Request("execute_request", map[string]any{
		"code": "import \"fmt\"\nvar name string\nfmt.Print(\"name? \")\nfmt.Scanln(&name)\nfmt.Println(\"hello,\", name)", "allow_stdin": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	ch := k.Expect(m.Header.MsgID)
	if err := k.Client.Shell.Send(m); err != nil {
		t.Fatal(err)
	}
	asked := make(chan *wire.Message, 1)
	go func() { // ends with the client's stdin socket
		req, err := k.Client.Stdin.Recv()
		if err == nil {
			asked <- req
		}
	}()
	var req *wire.Message
	select {
	case req = <-asked:
	case reply := <-ch:
		t.Fatalf("the cell ended without asking for input: %s", reply.Content)
	case <-ctx.Done():
		t.Fatal("no input_request")
	}
	if req.Header.MsgType != "input_request" {
		t.Fatalf("want input_request, got %s", req.Header.MsgType)
	}
	// The prompt, printed with fmt.Print, comes out before the cell waits
	// for the answer (the worker flushes its stdout buffer first).
	if err := k.Printed(ctx, m, "name? "); err != nil {
		t.Fatalf("the prompt did not arrive while the cell waits for input: %v", err)
	}

	rep, _ := wire.NewMessage("input_reply", req, k.Client.Session, map[string]string{"value": "gopher"})
	if err := k.Client.Stdin.Send(rep); err != nil {
		t.Fatal(err)
	}
	r, err := k.Wait(ctx, m, ch)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Stdout(); got != "name? hello, gopher\n" {
		t.Errorf("stdout %q", got)
	}
	// Without allow_stdin, a read sees end of input at once.
	r2, err := k.Execute(ctx, "var other string\nn, err := fmt.Scanln(&other)\nfmt.Println(n, err)")
	if err != nil {
		t.Fatal(err)
	}
	if got := r2.Stdout(); got != "0 EOF\n" {
		t.Errorf("read without stdin: %q", got)
	}
}

// TestStopOnError aborts the cells queued behind a failing one, as "Run
// All" expects, and runs the cells sent after it.
func TestStopOnError(t *testing.T) {
	k := startKernel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r, err := k.Execute(ctx, `import "time"`); err != nil || r.Status() != "ok" {
		t.Fatalf("import: %v %v", r.Reply, err)
	}
	m1, ch1, err := k.StartExecute(`time.Sleep(300 * time.Millisecond); panic("stop here")`)
	if err != nil {
		t.Fatal(err)
	}
	m2, ch2, err := k.StartExecute("1 + 1")
	if err != nil {
		t.Fatal(err)
	}
	r1, err := k.Wait(ctx, m1, ch1)
	if err != nil || r1.Status() != "error" {
		t.Fatalf("first cell: %v %v", r1.Reply, err)
	}
	r2, err := k.Wait(ctx, m2, ch2)
	if err != nil || r2.Status() != "aborted" {
		t.Fatalf("queued cell: status %q, want aborted (%v)", r2.Status(), err)
	}
	if r3, err := k.Execute(ctx, "2 + 2"); err != nil || r3.Value() != "4" {
		t.Fatalf("a cell sent after the error does not run: %v %v", r3.Reply, err)
	}
}

// TestHugeFrameHeader connects with raw TCP and sends a ZMTP frame header
// that claims a terabyte. The connection is closed; the kernel lives on.
func TestHugeFrameHeader(t *testing.T) {
	k := startKernel(t)
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", k.Conn.ShellPort))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	greeting := make([]byte, 64)
	greeting[0], greeting[9], greeting[10] = 0xff, 0x7f, 3 // signature, version 3.0
	copy(greeting[12:], "NULL")
	frame := []byte{0x06, 0, 0, 1, 0, 0, 0, 0, 0} // command, long: 1 TiB
	if _, err := c.Write(append(greeting, frame...)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("the kernel did not close the connection: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r, err := k.Execute(ctx, "1 + 2"); err != nil || r.Value() != "3" {
		t.Fatalf("the kernel no longer answers: %v %v\nkernel log:\n%s", r.Reply, err, k.Log.String())
	}
}

// TestShutdownWhileRunning asks the kernel to shut down while a cell spins:
// it must exit promptly and take its worker with it.
func TestShutdownWhileRunning(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	k, err := kerneltest.Start(ctx, bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := k.StartExecute("for {\n}")
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Started(ctx, m); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- k.Close() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("shutdown: %v\nkernel log:\n%s", err, k.Log.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the kernel did not exit after shutdown_request\nkernel log:\n%s", k.Log.String())
	}
}

// TestSIGINTInterrupts sends SIGINT to the kernel process, as a terminal's
// Ctrl-C would: the running cell stops and the session is kept.
func TestSIGINTInterrupts(t *testing.T) {
	k := startKernel(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	execute(t, k, "kept := 5")
	m, ch, err := k.StartExecute("for {\n}")
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Started(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := k.Cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r, err := k.Wait(ctx, m, ch)
	if err != nil {
		t.Fatalf("after SIGINT: %v\nkernel log:\n%s", err, k.Log.String())
	}
	if name, _, _, _ := r.Error(); name != "Interrupted" {
		t.Errorf("error %q, want Interrupted", name)
	}
	if r := execute(t, k, "kept"); r.Value() != "5" {
		var kinds []string
		for _, m := range r.Outputs {
			kinds = append(kinds, m.Header.MsgType+" "+string(m.Content))
		}
		t.Errorf("state lost: kept = %q, reply %v, outputs %q\nkernel log:\n%s", r.Value(), r.Reply, kinds, k.Log.String())
	}
}
