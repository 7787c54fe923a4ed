package workerproto

import (
	"bytes"
	"strconv"
)

// Marker returns the bytes of sync marker seq for a worker whose nonce is
// nonce. It is short enough to be written atomically into a pipe.
func Marker(nonce string, seq uint64) []byte {
	return []byte(markerPrefix + nonce + ":" + strconv.FormatUint(seq, 10) + "\x00")
}

// CellMarker returns the marker that says that the output after it, up to
// the next cell marker, belongs to the execute request whose execution
// count is n, not to the running one: the output of a goroutine that an
// earlier cell started. n = 0 ends it. The worker writes a cell's marker,
// the output and the end marker in one write.
func CellMarker(nonce string, n int) []byte {
	return []byte(markerPrefix + nonce + ":c" + strconv.Itoa(n) + "\x00")
}

// ChunkMarker begins a chunk of the worker's buffered standard output
// (kernel/outbuf). The kernel keeps the highest chunk number it has read,
// to publish from the buffer's file after a crash only what did not reach
// the pipe.
func ChunkMarker(nonce string, n uint64) []byte {
	return []byte(markerPrefix + nonce + ":b" + strconv.FormatUint(n, 10) + "\x00")
}

// StdoutBufferEnv, set in a worker's environment, says that its fd 6 is a
// file of outbuf.Size bytes for the buffer of the cells' standard output.
const StdoutBufferEnv = "GOPHERLAB_STDOUT_BUFFER"

const markerPrefix = "\x00gopherlab-sync:"

// Part is output between markers. Cell is the execution count a cell
// marker gave it, 0 for the running cell's output.
type Part struct {
	Cell int
	Data []byte
}

// Decoder removes the markers of one worker from one of its output pipes.
type Decoder struct {
	prefix []byte
	held   []byte // bytes that may begin a marker
	cell   int    // the cell marker in force

	// Chunk is the highest chunk marker seen (ChunkMarker).
	Chunk uint64
}

// NewDecoder returns a Decoder for the worker whose nonce is nonce.
func NewDecoder(nonce string) *Decoder {
	return &Decoder{prefix: []byte(markerPrefix + nonce + ":")}
}

// Decode takes the next bytes read from the pipe. It returns the output
// before, between and after markers, in parts by cell, and the highest sync
// marker seen. Trailing bytes that may be the start of a marker wait for
// the next call (or Flush).
func (d *Decoder) Decode(b []byte) (parts []Part, seq uint64) {
	buf := b
	if len(d.held) > 0 {
		buf = append(d.held, b...)
		d.held = nil
	}
	emit := func(p []byte) {
		if len(p) == 0 {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Cell == d.cell {
			parts[n-1].Data = append(parts[n-1].Data, p...)
			return
		}
		parts = append(parts, Part{Cell: d.cell, Data: append([]byte(nil), p...)})
	}
	for {
		i := bytes.IndexByte(buf, 0)
		if i < 0 {
			emit(buf)
			return parts, seq
		}
		rest := buf[i:]
		if len(rest) < len(d.prefix) {
			if bytes.HasPrefix(d.prefix, rest) {
				emit(buf[:i])
				d.held = append([]byte(nil), rest...)
				return parts, seq
			}
		} else if bytes.HasPrefix(rest, d.prefix) {
			end := bytes.IndexByte(rest[len(d.prefix):], 0)
			if end < 0 {
				if len(rest) < len(d.prefix)+24 {
					emit(buf[:i])
					d.held = append([]byte(nil), rest...)
					return parts, seq
				}
			} else if payload := string(rest[len(d.prefix) : len(d.prefix)+end]); payload != "" {
				kind, digits := byte(0), payload
				if payload[0] == 'c' || payload[0] == 'b' {
					kind, digits = payload[0], payload[1:]
				}
				if n, err := strconv.ParseUint(digits, 10, 64); err == nil {
					emit(buf[:i])
					switch {
					case kind == 'c':
						d.cell = int(n)
					case kind == 'b':
						d.Chunk = max(d.Chunk, n)
					case n > seq:
						seq = n
					}
					buf = rest[len(d.prefix)+end+1:]
					continue
				}
			}
		}
		emit(buf[:i+1])
		buf = buf[i+1:]
	}
}

// Flush returns the bytes held back, at the end of the pipe.
func (d *Decoder) Flush() []Part {
	if len(d.held) == 0 {
		return nil
	}
	p := []Part{{Cell: d.cell, Data: d.held}}
	d.held = nil
	return p
}
