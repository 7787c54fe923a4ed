//go:build !linux

package sandbox

import (
	"errors"
	"os"
	"syscall"
)

// Outside Linux there are no namespaces: Available always says so.

var errNoSandbox = errors.New("sandbox: namespaces need Linux")

func sysProcAttr() *syscall.SysProcAttr { return nil }

func setLimits(pid int) {}

type cgroup struct{}

func newCgroup(Limits) (*cgroup, error) { return nil, errNoSandbox }
func (*cgroup) describe() string        { return "" }
func (*cgroup) add(int) error           { return errNoSandbox }
func (*cgroup) killAll()                {}
func (*cgroup) memoryExceeded() bool    { return false }
func (*cgroup) peakKB() int64           { return 0 }
func (*cgroup) remove()                 {}

// Child fails: there is no sandbox to build.
func Child() error { return errNoSandbox }

func unprivileged() bool { return true }

// seal hashes f; there are no memfd seals: New hashes before each run.
func seal(f *os.File) (*os.File, string, error) {
	sum, err := hashReader(f)
	return nil, sum, err
}

func checkSeals(*os.File) error { return errNoSandbox }
