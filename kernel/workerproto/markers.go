package workerproto

import (
	"bytes"
	"strconv"
	"strings"
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
				cell, isCell := strings.CutPrefix(payload, "c")
				if n, err := strconv.ParseUint(cell, 10, 64); err == nil {
					emit(buf[:i])
					if isCell {
						d.cell = int(n)
					} else if n > seq {
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
