package wire

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 allocates a frame's body at the size its header claims before reading
// it, so one forged header ("this frame is a terabyte") would end the kernel
// with an out-of-memory crash before any signature is checked. The kernel
// therefore listens through guarded transports: TCP and IPC whose connections
// follow the ZMTP 3 framing and close the connection on a frame larger than
// maxFrame. It also buffers reads, which saves zmq4's many small ones.
const (
	guardedScheme = "gopherlab-tcp"
	guardedIPC    = "gopherlab-ipc"
	maxFrame      = MaxMessageSize + 1<<20
	greetingSize  = 64 // ZMTP 3: signature, version, mechanism, as-server, filler
)

func init() {
	if err := zmq4.RegisterTransport(guardedScheme, guarded{transport.New("tcp")}); err != nil {
		panic(err)
	}
	if err := zmq4.RegisterTransport(guardedIPC, guarded{transport.New("unix")}); err != nil {
		panic(err)
	}
}

// guarded wraps a transport's connections in a frameGuard.
type guarded struct{ transport.Transport }

func (g guarded) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := g.Transport.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	return guardedListener{l}, nil
}

func (g guarded) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	c, err := g.Transport.Dial(ctx, d, addr)
	if err != nil {
		return nil, err
	}
	return newFrameGuard(c), nil
}

type guardedListener struct{ net.Listener }

func (l guardedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newFrameGuard(c), nil
}

// frameGuard reads a ZMTP 3 stream, checking every frame header it passes.
type frameGuard struct {
	net.Conn
	r *bufio.Reader

	greeting int    // greeting bytes still to pass
	state    int    // what the next byte is: see the constants below
	sizeBuf  []byte // the long size being read
	body     uint64 // body bytes still to pass
	err      error
}

const (
	atFlags = iota
	atShortSize
	atLongSize
	inBody
)

func newFrameGuard(c net.Conn) *frameGuard {
	return &frameGuard{Conn: c, r: bufio.NewReaderSize(c, 64<<10), greeting: greetingSize}
}

func (g *frameGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if serr := g.scan(p[:n]); serr != nil {
		g.err = fmt.Errorf("%w, from %v", serr, g.Conn.RemoteAddr())
		g.Conn.Close()
		return 0, g.err
	}
	return n, err
}

// scan follows the framing through b.
func (g *frameGuard) scan(b []byte) error {
	for len(b) > 0 {
		switch {
		case g.greeting > 0:
			k := min(g.greeting, len(b))
			g.greeting -= k
			b = b[k:]
		case g.state == atFlags:
			if b[0]&0x02 != 0 { // long frame: 8 size bytes follow
				g.state, g.sizeBuf = atLongSize, g.sizeBuf[:0]
			} else {
				g.state = atShortSize
			}
			b = b[1:]
		case g.state == atShortSize:
			g.body, b = uint64(b[0]), b[1:]
			g.state = inBody
		case g.state == atLongSize:
			k := min(8-len(g.sizeBuf), len(b))
			g.sizeBuf, b = append(g.sizeBuf, b[:k]...), b[k:]
			if len(g.sizeBuf) == 8 {
				g.body = binary.BigEndian.Uint64(g.sizeBuf)
				if g.body > maxFrame {
					return fmt.Errorf("wire: a ZMTP frame of %d bytes (at most %d): closing the connection", g.body, uint64(maxFrame))
				}
				g.state = inBody
			}
		case g.state == inBody:
			k := uint64(len(b))
			if k > g.body {
				k = g.body
			}
			g.body -= k
			b = b[k:]
		}
		if g.state == inBody && g.body == 0 {
			g.state = atFlags
		}
	}
	return nil
}
