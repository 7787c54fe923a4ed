// Package files computes line, word and checksum statistics for every file
// in a directory tree: sequentially, with one goroutine per file, and with a
// bounded pool.
//
// This file is given: the per-file work. The exercise is in solution.go.
package files

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// FileStat describes one regular file.
type FileStat struct {
	Path   string // relative to the root, with forward slashes
	Lines  int    // number of '\n' bytes, like wc -l
	Words  int    // runs of non-space bytes, like wc -w
	SHA256 string // hex-encoded SHA-256 of the contents
}

// Open opens a file for statFile. Tests replace it to watch or break file access.
var Open = func(name string) (io.ReadCloser, error) { return os.Open(name) }

// statFile opens root/rel with Open, reads it once and closes it.
func statFile(root, rel string) (FileStat, error) {
	f, err := Open(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return FileStat{}, fmt.Errorf("stat %s: %w", rel, err)
	}
	defer f.Close()

	st := FileStat{Path: rel}
	h := sha256.New()
	buf := make([]byte, 32<<10)
	inWord := false
	for {
		n, err := f.Read(buf)
		h.Write(buf[:n])
		for _, b := range buf[:n] {
			space := b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\v' || b == '\f'
			if b == '\n' {
				st.Lines++
			}
			if !space && !inWord {
				st.Words++
			}
			inWord = !space
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return FileStat{}, fmt.Errorf("stat %s: %w", rel, err)
		}
	}
	st.SHA256 = hex.EncodeToString(h.Sum(nil))
	return st, nil
}
