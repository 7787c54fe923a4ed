//go:build !linux

package sandbox

import (
	"errors"
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
