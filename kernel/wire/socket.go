package wire

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// Socket is one ZeroMQ socket that carries signed Jupyter messages. Send is
// safe for concurrent use; Recv is meant for one reading goroutine.
type Socket struct {
	Name   string // shell, control, stdin, iopub
	sock   zmq4.Socket
	signer *Signer
	mu     sync.Mutex
}

// Send signs and sends m.
func (s *Socket) Send(m *Message) error {
	frames, err := s.signer.Encode(m)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		return fmt.Errorf("wire: send %s on %s: %w", m.Header.MsgType, s.Name, err)
	}
	return nil
}

// Recv waits for the next message. A message that fails to decode is
// returned as an error wrapping ErrMalformed, ErrBadSignature or ErrTooLarge,
// and the socket stays usable; any other error means the socket is closed.
func (s *Socket) Recv() (*Message, error) {
	msg, err := s.sock.Recv()
	if err != nil {
		return nil, fmt.Errorf("wire: receive on %s: %w", s.Name, err)
	}
	m, err := s.signer.Decode(msg.Frames)
	if m != nil {
		m.Received = time.Now()
	}
	return m, err
}

// Close closes the socket, which ends a pending Recv.
func (s *Socket) Close() error { return s.sock.Close() }

// Kernel holds the sockets a kernel listens on.
type Kernel struct {
	Shell, Control, Stdin, IOPub *Socket
	heartbeat                    zmq4.Socket
}

// Listen binds the kernel's five sockets. The heartbeat echoes until ctx is
// cancelled or Close is called.
func Listen(ctx context.Context, c Connection) (*Kernel, error) {
	signer, err := NewSigner(c.SignatureScheme, c.Key)
	if err != nil {
		return nil, err
	}
	k := &Kernel{
		Shell:     &Socket{Name: "shell", sock: zmq4.NewRouter(ctx), signer: signer},
		Control:   &Socket{Name: "control", sock: zmq4.NewRouter(ctx), signer: signer},
		Stdin:     &Socket{Name: "stdin", sock: zmq4.NewRouter(ctx), signer: signer},
		IOPub:     &Socket{Name: "iopub", sock: zmq4.NewPub(ctx), signer: signer},
		heartbeat: zmq4.NewRep(ctx),
	}
	binds := []struct {
		sock zmq4.Socket
		port int
		name string
	}{
		{k.Shell.sock, c.ShellPort, "shell"},
		{k.Control.sock, c.ControlPort, "control"},
		{k.Stdin.sock, c.StdinPort, "stdin"},
		{k.IOPub.sock, c.IOPubPort, "iopub"},
		{k.heartbeat, c.HBPort, "heartbeat"},
	}
	for _, b := range binds {
		if err := b.sock.Listen(c.Endpoint(b.port)); err != nil {
			k.Close()
			return nil, fmt.Errorf("wire: listen %s on %s: %w", b.name, c.Endpoint(b.port), err)
		}
	}
	return k, nil
}

// Heartbeat echoes heartbeat pings until the socket is closed.
func (k *Kernel) Heartbeat() {
	for {
		msg, err := k.heartbeat.Recv()
		if err != nil {
			return
		}
		if err := k.heartbeat.Send(msg); err != nil {
			return
		}
	}
}

// Close closes every socket, ending pending receives.
func (k *Kernel) Close() {
	for _, s := range []*Socket{k.Shell, k.Control, k.Stdin, k.IOPub} {
		s.Close()
	}
	k.heartbeat.Close()
}
