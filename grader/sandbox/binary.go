package sandbox

import (
	"fmt"
	"io"
	"os"
)

// Binary is a test binary checked once for any number of sandboxed runs.
//
// Where the kernel allows it (Linux memfd seals), OpenBinary hashes the
// file as it copies it into memory and seals that memory against writing,
// growing and shrinking: every run then executes exactly the bytes that were
// hashed, and New checks the seals instead of hashing again. Elsewhere New
// hashes the file before each run and refuses it if it changed.
type Binary struct {
	Path   string // the test binary on disk
	SHA256 string // hex SHA-256 of the bytes that run
	sealed *os.File
}

// OpenBinary hashes the test binary at path and, where it can, seals a copy in memory.
func OpenBinary(path string) (*Binary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	defer f.Close()
	sealed, sum, err := seal(f)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %s: %w", path, err)
	}
	return &Binary{Path: path, SHA256: sum, sealed: sealed}, nil
}

// Sealed reports whether the runs use the sealed copy (no hash per run).
func (b *Binary) Sealed() bool { return b.sealed != nil }

// Close releases the sealed copy.
func (b *Binary) Close() error {
	if b.sealed == nil {
		return nil
	}
	return b.sealed.Close()
}

// open returns the file a run executes (fd 5 of the helper) and whether
// the caller owns it: the sealed copy after checking its seals, or the
// file on disk after checking its hash.
func (b *Binary) open() (*os.File, bool, error) {
	if b.sealed != nil {
		if err := checkSeals(b.sealed); err != nil {
			return nil, false, fmt.Errorf("sandbox: the sealed test binary: %w", err)
		}
		return b.sealed, false, nil
	}
	f, err := os.Open(b.Path)
	if err != nil {
		return nil, false, fmt.Errorf("sandbox: %w", err)
	}
	got, err := hashFile(f)
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("sandbox: %w", err)
	}
	if got != b.SHA256 {
		f.Close()
		return nil, false, fmt.Errorf("sandbox: the test binary changed since it was built (SHA-256 %s, built %s)", got[:12], b.SHA256[:min(12, len(b.SHA256))])
	}
	return f, true, nil
}

// hashFile is the hex SHA-256 of f's content from its start.
func hashFile(f *os.File) (string, error) {
	return hashReader(io.NewSectionReader(f, 0, 1<<62))
}
