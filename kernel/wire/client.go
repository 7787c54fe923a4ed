package wire

import (
	"context"
	"fmt"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"
)

// Client is the client side of a kernel's sockets: a small Jupyter client for
// tests and benchmarks.
type Client struct {
	Shell, Control, Stdin, IOPub *Socket
	Session                      string
	heartbeat                    zmq4.Socket
}

// dialRetries bounds how long Dial waits for a kernel to listen: 6000 tries 10 ms apart.
const dialRetries = 6000

// Dial connects to a kernel's sockets and subscribes to all of IOPub.
func Dial(ctx context.Context, c Connection) (*Client, error) {
	signer, err := NewSigner(c.SignatureScheme, c.Key)
	if err != nil {
		return nil, err
	}
	id := uuid.NewString()
	// Dial retries every 10 ms while the kernel is not yet listening, for up
	// to a minute: a kernel that has just been started on a busy machine may
	// take seconds to bind its ports (zmq4 gives up after 10 tries by default).
	retry := zmq4.WithDialerRetry(10 * time.Millisecond)
	retries := zmq4.WithDialerMaxRetries(dialRetries)
	cl := &Client{
		Shell:     &Socket{Name: "shell", sock: zmq4.NewDealer(ctx, retry, retries, zmq4.WithID(zmq4.SocketIdentity("shell-"+id))), signer: signer},
		Control:   &Socket{Name: "control", sock: zmq4.NewDealer(ctx, retry, retries, zmq4.WithID(zmq4.SocketIdentity("control-"+id))), signer: signer},
		Stdin:     &Socket{Name: "stdin", sock: zmq4.NewDealer(ctx, retry, retries, zmq4.WithID(zmq4.SocketIdentity("shell-"+id))), signer: signer},
		IOPub:     &Socket{Name: "iopub", sock: zmq4.NewSub(ctx, retry, retries), signer: signer},
		heartbeat: zmq4.NewReq(ctx, retry, retries),
		Session:   id,
	}
	dials := []struct {
		sock zmq4.Socket
		port int
	}{
		{cl.Shell.sock, c.ShellPort}, {cl.Control.sock, c.ControlPort}, {cl.Stdin.sock, c.StdinPort},
		{cl.IOPub.sock, c.IOPubPort}, {cl.heartbeat, c.HBPort},
	}
	for _, d := range dials {
		if err := d.sock.Dial(c.Endpoint(d.port)); err != nil {
			cl.Close()
			return nil, fmt.Errorf("wire: dial %s: %w", c.Endpoint(d.port), err)
		}
	}
	if err := cl.IOPub.sock.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		cl.Close()
		return nil, fmt.Errorf("wire: subscribe: %w", err)
	}
	return cl, nil
}

// Request builds a request message of msgType from this client's session.
func (c *Client) Request(msgType string, content any) (*Message, error) {
	m, err := NewMessage(msgType, nil, c.Session, content)
	if err != nil {
		return nil, err
	}
	m.Header.Username = "client"
	return m, nil
}

// Ping sends one heartbeat and waits for its echo.
func (c *Client) Ping() error {
	if err := c.heartbeat.Send(zmq4.NewMsgString("ping")); err != nil {
		return fmt.Errorf("wire: heartbeat: %w", err)
	}
	if _, err := c.heartbeat.Recv(); err != nil {
		return fmt.Errorf("wire: heartbeat: %w", err)
	}
	return nil
}

// Close closes every socket.
func (c *Client) Close() {
	for _, s := range []*Socket{c.Shell, c.Control, c.Stdin, c.IOPub} {
		s.Close()
	}
	c.heartbeat.Close()
}

// SendRaw sends frames on s as they are, unsigned and unchecked: for tests
// of what a kernel does with malformed messages.
func (s *Socket) SendRaw(frames ...[]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sock.SendMulti(zmq4.NewMsgFrom(frames...))
}
