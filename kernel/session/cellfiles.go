package session

import (
	"fmt"
	"os"
	"syscall"
)

// cellFile is the *os.File that cells get as os.Stdout or os.Stderr: a
// duplicate of the session's descriptor. A cell that closes it (defer
// out.Close(), out being os.Stdout) closes its own file, as a program
// does, not the pipe that the session and every later cell write to: the
// output of the cells after it would be lost without a word.
type cellFile struct {
	f     *os.File
	conn  syscall.RawConn
	name  string // what cells call it: "os.Stdout"
	noted bool   // noteClosedFiles said that a cell closed it
}

// newCellFile duplicates f's descriptor (close-on-exec, like Go's own
// files; a child process gets it only when a cell hands it over) as the
// file cells call name, named path.
func newCellFile(f *os.File, name, path string) (*cellFile, error) {
	conn, err := f.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("session: %s: %w", name, err)
	}
	var dup uintptr
	var errno syscall.Errno
	if err := conn.Control(func(fd uintptr) {
		dup, _, errno = syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return nil, fmt.Errorf("session: %s: %w", name, err)
	}
	if errno != 0 {
		return nil, fmt.Errorf("session: duplicate %s: %w", name, errno)
	}
	c := &cellFile{f: os.NewFile(dup, path), name: name}
	if c.conn, err = c.f.SyscallConn(); err != nil {
		return nil, fmt.Errorf("session: %s: %w", name, err)
	}
	return c, nil
}

// closed reports whether a cell closed the file.
func (c *cellFile) closed() bool {
	return c.conn.Control(func(uintptr) {}) != nil
}

// noteClosedFiles says once, on the session's standard error, that a cell
// closed os.Stdout or os.Stderr: as in a Go program, what the cells print
// there goes nowhere from then on, which a learner would otherwise see as
// cells that print nothing.
func (s *Session) noteClosedFiles() {
	for _, c := range s.files {
		if c.noted || !c.closed() {
			continue
		}
		c.noted = true
		s.out.Flush(nil) // after what the cell printed
		fmt.Fprintf(s.errFile, "note: a cell closed %s: as in a Go program, what the cells print there goes nowhere from now on (%%reset starts a fresh interpreter)\n", c.name)
	}
}
