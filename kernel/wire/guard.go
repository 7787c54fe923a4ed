package wire

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sync"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// zmq4 allocates a frame's body at the size its header claims before reading
// it, so one forged header ("this frame is a terabyte") would end the kernel
// with an out-of-memory crash before any signature is checked. The kernel
// therefore listens through guarded transports: TCP and IPC whose connections
// follow the ZMTP 3 framing and close the connection on a frame larger than
// maxFrame. It also buffers reads, which saves zmq4's many small ones, and
// writes: zmq4 writes a message as two buffers per frame, one write(2) each
// through a wrapped connection, so the guard holds them and writes a whole
// message at once (see frameGuard.Write).
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

// frameGuard reads a ZMTP 3 stream, checking every frame header it passes,
// and writes one, a message at a time.
type frameGuard struct {
	net.Conn
	r   *bufio.Reader
	in  framing // what has been read
	err error

	wmu sync.Mutex
	w   *bufio.Writer
	out framing // what has been written
}

// framing follows a ZMTP 3 stream: the greeting, then frames.
type framing struct {
	greeting int    // greeting bytes still to pass
	state    int    // what the next byte is: see the constants below
	more     bool   // the frame being passed, or the last one, has the MORE flag
	sizeBuf  []byte // the long size being read
	body     uint64 // body bytes still to pass
	limit    uint64 // the largest frame allowed; 0: no limit
}

const (
	atFlags = iota
	atShortSize
	atLongSize
	inBody
)

// writeBuffer holds the frames of one message until its last frame.
// Larger frames are written straight through.
const writeBuffer = 4 << 10

func newFrameGuard(c net.Conn) *frameGuard {
	return &frameGuard{Conn: c, r: bufio.NewReaderSize(c, 64<<10), in: framing{greeting: greetingSize, limit: maxFrame},
		w: bufio.NewWriterSize(c, writeBuffer), out: framing{greeting: greetingSize}}
}

func (g *frameGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if serr := g.in.scan(p[:n]); serr != nil {
		g.err = fmt.Errorf("%w, from %v", serr, g.Conn.RemoteAddr())
		g.Conn.Close()
		return 0, g.err
	}
	return n, err
}

// Write holds p while the stream is inside a message (after a frame with
// the MORE flag, or inside a frame) and writes what it holds once p ends a
// message, a command or the greeting: one write(2) per message instead of
// two per frame. zmq4 writes whole messages, so nothing is held while the
// kernel waits for the peer.
func (g *frameGuard) Write(p []byte) (int, error) {
	g.wmu.Lock()
	defer g.wmu.Unlock()
	n, err := g.w.Write(p)
	if err != nil {
		return n, err
	}
	g.out.scan(p) // no limit on what the kernel writes: no error
	if !g.out.inMessage() {
		err = g.w.Flush()
	}
	return n, err
}

// inMessage says whether the stream is inside a message: past the greeting,
// and inside a frame or after one with the MORE flag.
func (f *framing) inMessage() bool {
	return f.greeting == 0 && (f.state != atFlags || f.more)
}

// scan follows the framing through b.
func (f *framing) scan(b []byte) error {
	for len(b) > 0 {
		switch {
		case f.greeting > 0:
			k := min(f.greeting, len(b))
			f.greeting -= k
			b = b[k:]
		case f.state == atFlags:
			f.more = b[0]&0x01 != 0
			if b[0]&0x02 != 0 { // long frame: 8 size bytes follow
				f.state, f.sizeBuf = atLongSize, f.sizeBuf[:0]
			} else {
				f.state = atShortSize
			}
			b = b[1:]
		case f.state == atShortSize:
			f.body, b = uint64(b[0]), b[1:]
			f.state = inBody
		case f.state == atLongSize:
			k := min(8-len(f.sizeBuf), len(b))
			f.sizeBuf, b = append(f.sizeBuf, b[:k]...), b[k:]
			if len(f.sizeBuf) == 8 {
				f.body = binary.BigEndian.Uint64(f.sizeBuf)
				if f.limit > 0 && f.body > f.limit {
					return fmt.Errorf("wire: a ZMTP frame of %d bytes (at most %d): closing the connection", f.body, f.limit)
				}
				f.state = inBody
			}
		case f.state == inBody:
			k := uint64(len(b))
			if k > f.body {
				k = f.body
			}
			f.body -= k
			b = b[k:]
		}
		if f.state == inBody && f.body == 0 {
			f.state = atFlags
		}
	}
	return nil
}
