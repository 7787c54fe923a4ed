package wire

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// TestGuardedIPC runs the guarded IPC transport over a real Unix socket: a
// ZeroMQ peer that speaks ZMTP gets through, a connection that sends a
// forged frame header is closed before anything is allocated for it, and
// the socket goes on serving.
func TestGuardedIPC(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "sock")
	router := zmq4.NewRouter(ctx)
	defer router.Close()
	if err := router.Listen(guardedIPC + "://" + path); err != nil {
		t.Fatal(err)
	}

	roundTrip := func(name string) {
		t.Helper()
		dealer := zmq4.NewDealer(ctx, zmq4.WithDialerRetry(10*time.Millisecond))
		defer dealer.Close()
		if err := dealer.Dial("ipc://" + path); err != nil {
			t.Fatalf("%s: dial: %v", name, err)
		}
		if err := dealer.Send(zmq4.NewMsgFrom([]byte("hello"), make([]byte, 100_000))); err != nil {
			t.Fatalf("%s: send: %v", name, err)
		}
		msg, err := router.Recv()
		if err != nil {
			t.Fatalf("%s: receive: %v", name, err)
		}
		// ROUTER adds the peer's identity in front.
		if len(msg.Frames) != 3 || string(msg.Frames[1]) != "hello" || len(msg.Frames[2]) != 100_000 {
			t.Fatalf("%s: got %d frames", name, len(msg.Frames))
		}
	}
	roundTrip("a ZeroMQ peer")

	// A peer that passes the greeting, then claims a terabyte frame.
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	greeting := make([]byte, greetingSize)
	greeting[0], greeting[9] = 0xff, 0x7f // signature
	greeting[10], greeting[11] = 3, 0     // ZMTP 3.0
	copy(greeting[12:], "NULL")
	header := make([]byte, 9)
	header[0] = 0x02 // a long frame
	binary.BigEndian.PutUint64(header[1:], 1<<40)
	if _, err := c.Write(append(greeting, header...)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil { // the server's greeting, then the end
		t.Fatalf("the guard did not close the forged connection: %v", err)
	}

	roundTrip("a ZeroMQ peer after the forged one")
}
