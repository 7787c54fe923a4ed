package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// Child is the helper: it runs as PID 1 of the new namespaces, as root of
// the new user namespace, builds the sandbox's file system, waits for the
// grader's go-ahead, drops to an unprivileged uid and executes the test
// binary. It returns only on failure (reported to the grader on fd 4).
func Child() error {
	status := os.NewFile(4, "status")
	err := child()
	if err != nil {
		fmt.Fprintf(status, "error: %v\n", err)
	}
	return fmt.Errorf("sandbox: %w", err)
}

func child() error {
	var cfg Config
	if err := json.Unmarshal([]byte(os.Getenv(configEnv)), &cfg); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	root := "/tmp" // any existing directory serves as the mount point of the new root
	steps := []struct {
		what string
		f    func() error
	}{
		{"make mounts private", func() error { return syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, "") }},
		{"mount the new root", func() error {
			return syscall.Mount("tmpfs", root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m,mode=0755")
		}},
		{"build the file system", func() error { return buildRoot(root, cfg) }},
		{"pivot_root", func() error { return pivot(root) }},
		{"bring up loopback", loopbackUp},
	}
	for _, s := range steps {
		if err := s.f(); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	status := os.NewFile(4, "status")
	if _, err := status.Write([]byte("ready\n")); err != nil {
		return err
	}
	// Wait for the grader: it puts this process into its cgroups first.
	goAhead := os.NewFile(3, "go-ahead")
	var b [1]byte
	if n, _ := goAhead.Read(b[:]); n != 1 {
		return fmt.Errorf("no go-ahead from the grader")
	}
	goAhead.Close()
	// The test runs as a child with an unprivileged uid and gid and no new
	// privileges: it cannot signal this helper (root of the namespace,
	// PID 1), and when it ends, the helper ends, and the kernel kills
	// whatever the test left in the namespace.
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, 38 /* PR_SET_NO_NEW_PRIVS */, 1, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("no_new_privs: %w", e)
	}
	path := filepath.Join(BinaryDir, cfg.Name)
	args := append([]string{path}, cfg.Args...)
	env := cfg.Env
	if cfg.Probe {
		path, args, env = "/bin/true", []string{"true"}, nil
	}
	cmd := exec.Command(path)
	cmd.Args = args
	cmd.Env = env
	cmd.Dir = TmpDir
	cmd.Stdin = nil
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: insideUser, Gid: insideUser, Groups: []uint32{}},
		Setsid:     true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if cfg.OwnUID {
		// Only the caller's uid is mapped: the test keeps it, as root of the
		// namespace, but without capabilities: with SECBIT_NOROOT (locked)
		// an execve by uid 0 grants none, so it can neither mount nor
		// signal across uids.
		cmd.SysProcAttr.Credential = nil
		const prSetSecurebits, secbitNoroot, secbitNorootLocked = 28, 1, 2
		if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetSecurebits, secbitNoroot|secbitNorootLocked, 0); e != 0 {
			return fmt.Errorf("securebits: %w", e)
		}
	}
	// PID 1 of a namespace gets only the signals it handles from inside it:
	// ignoring them leaves the test no way to end this helper.
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGPIPE, syscall.SIGALRM)
	syscall.CloseOnExec(4) // the test must not write its own status
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", path, err)
	}
	_ = cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		fmt.Fprintf(status, "signal %d\n", int(ws.Signal()))
	} else {
		fmt.Fprintf(status, "exit %d\n", ws.ExitStatus())
	}
	os.Exit(0)
	return nil
}

// buildRoot lays out the sandbox's file system under root.
func buildRoot(root string, cfg Config) error {
	ro := uintptr(syscall.MS_BIND | syscall.MS_REMOUNT | syscall.MS_RDONLY | syscall.MS_NOSUID | syscall.MS_NODEV)
	bindRO := func(src, dst string, rec bool) error {
		flags := uintptr(syscall.MS_BIND)
		if rec {
			flags |= syscall.MS_REC
		}
		if err := syscall.Mount(src, dst, "", flags, ""); err != nil {
			return fmt.Errorf("bind %s: %w", src, err)
		}
		if err := syscall.Mount("", dst, "", ro, ""); err != nil {
			return fmt.Errorf("read-only %s: %w", src, err)
		}
		return nil
	}
	for _, d := range []string{"usr", "etc", "proc", "dev", "tmp", ".old", BinaryDir[1:]} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	// The system, read-only: /usr (with /bin, /lib... as Debian's links into it) and /etc.
	if err := bindRO("/usr", filepath.Join(root, "usr"), true); err != nil {
		return err
	}
	for _, l := range []string{"bin", "sbin", "lib", "lib64", "lib32", "libx32"} {
		target, err := os.Readlink("/" + l)
		if err == nil {
			if err := os.Symlink(target, filepath.Join(root, l)); err != nil {
				return err
			}
			continue
		}
		if fi, err := os.Stat("/" + l); err == nil && fi.IsDir() {
			if err := os.Mkdir(filepath.Join(root, l), 0o755); err != nil {
				return err
			}
			if err := bindRO("/"+l, filepath.Join(root, l), true); err != nil {
				return err
			}
		}
	}
	// /etc recursively: a container runtime (podman, Docker, Kubernetes)
	// bind-mounts /etc/hosts, /etc/hostname and /etc/resolv.conf, and in a
	// user namespace a bind that would hide those mounts is refused. Every
	// mount under it is made read-only too (a remount changes one mount).
	if err := bindRO("/etc", filepath.Join(root, "etc"), true); err != nil {
		return err
	}
	if err := remountBelowRO(filepath.Join(root, "etc"), ro); err != nil {
		return err
	}
	// The test binary, read-only: a copy, on its own tmpfs, of the
	// descriptor the grader checked (its directory stays out of reach).
	if !cfg.Probe {
		if err := copyBinary(filepath.Join(root, BinaryDir[1:]), cfg.Name); err != nil {
			return fmt.Errorf("copy the test binary: %w", err)
		}
	}
	// A private, size-limited /tmp: the only writable place.
	tmp := filepath.Join(root, "tmp")
	if err := syscall.Mount("tmpfs", tmp, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+strconv.Itoa(cfg.TmpMB)+"m,mode=1777"); err != nil {
		return fmt.Errorf("tmpfs /tmp: %w", err)
	}
	// /proc of the new PID namespace: only the sandbox's processes.
	if err := syscall.Mount("proc", filepath.Join(root, "proc"), "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("proc: %w", err)
	}
	// /dev: a few harmless devices.
	dev := filepath.Join(root, "dev")
	if err := syscall.Mount("tmpfs", dev, "tmpfs", syscall.MS_NOSUID, "size=64k,mode=0755"); err != nil {
		return fmt.Errorf("tmpfs /dev: %w", err)
	}
	for _, d := range []string{"null", "zero", "full", "random", "urandom"} {
		p := filepath.Join(dev, d)
		if err := os.WriteFile(p, nil, 0o666); err != nil {
			return err
		}
		if err := syscall.Mount("/dev/"+d, p, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind /dev/%s: %w", d, err)
		}
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, filepath.Join(dev, name)); err != nil {
			return err
		}
	}
	if err := syscall.Mount("", dev, "", syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_NOSUID, "size=64k,mode=0755"); err != nil {
		return fmt.Errorf("read-only /dev: %w", err)
	}
	return nil
}

// pivot makes root the file system's root and detaches the old one.
func pivot(root string) error {
	if err := syscall.PivotRoot(root, filepath.Join(root, ".old")); err != nil {
		return err
	}
	if err := os.Chdir("/"); err != nil {
		return err
	}
	if err := syscall.Unmount("/.old", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detach the old root: %w", err)
	}
	if err := os.Remove("/.old"); err != nil {
		return err
	}
	// The root directory itself becomes read-only.
	return syscall.Mount("", "/", "", syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, "size=1m,mode=0755")
}

// loopbackUp brings up lo in the new network namespace (httptest servers need it).
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var ifr [40]byte
	copy(ifr[:], "lo")
	*(*uint16)(unsafe.Pointer(&ifr[16])) = syscall.IFF_UP | syscall.IFF_RUNNING
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
		return e
	}
	return nil
}

// copyBinary copies the test binary from fd 5 onto a tmpfs of its own at dir, then makes it read-only.
func copyBinary(dir, name string) error {
	src := os.NewFile(5, "binary")
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	size := fi.Size() + 1<<20
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755,size="+strconv.FormatInt(size, 10)); err != nil {
		return err
	}
	dst, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, io.NewSectionReader(src, 0, fi.Size())); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	return syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, "")
}

// remountBelowRO makes read-only every mount strictly below dir (the
// submounts a recursive bind brought along), read from /proc/self/mountinfo.
func remountBelowRO(dir string, ro uintptr) error {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return fmt.Errorf("read mountinfo: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		mp := unescapeMount(f[4])
		if !strings.HasPrefix(mp, dir+"/") {
			continue
		}
		if err := syscall.Mount("", mp, "", ro, ""); err != nil {
			return fmt.Errorf("read-only %s: %w", mp, err)
		}
	}
	return nil
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
