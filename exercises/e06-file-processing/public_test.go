package files

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// makeTree writes n files spread over directories and returns what their
// stats must be, sorted by path.
func makeTree(t *testing.T, n int) (string, []FileStat) {
	t.Helper()
	root := t.TempDir()
	var want []FileStat
	words := []string{"go", "chan", "select", "mutex", "wait", "group", "ctx"}
	for i := range n {
		rel := fmt.Sprintf("d%02d/f%04d.txt", i%20, i)
		var b strings.Builder
		for line := range i % 7 {
			for w := range (i + line) % 5 {
				if w > 0 {
					b.WriteString(" ")
				}
				b.WriteString(words[(i+w)%len(words)])
			}
			b.WriteString("\n")
		}
		if i%3 == 0 {
			b.WriteString("  tail\twithout newline")
		}
		content := b.String()
		path := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(content))
		want = append(want, FileStat{
			Path:   rel,
			Lines:  strings.Count(content, "\n"),
			Words:  len(strings.Fields(content)),
			SHA256: hex.EncodeToString(sum[:]),
		})
	}
	slices.SortFunc(want, func(a, b FileStat) int { return strings.Compare(a.Path, b.Path) })
	return root, want
}

func diff(got, want []FileStat) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d results, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Sprintf("result %d = %+v, want %+v (results sorted by Path)", i, got[i], want[i])
		}
	}
	return ""
}

// TestAllAgree is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
func TestAllAgree(t *testing.T) {
	root, want := makeTree(t, 2000)
	got, err := ProcessSequential(root)
	if err != nil {
		t.Fatalf("ProcessSequential: %v", err)
	}
	if d := diff(got, want); d != "" {
		t.Errorf("ProcessSequential: %s", d)
	}
	got, err = ProcessPerFile(t.Context(), root)
	if err != nil {
		t.Fatalf("ProcessPerFile: %v", err)
	}
	if d := diff(got, want); d != "" {
		t.Errorf("ProcessPerFile: %s", d)
	}
	for _, workers := range []int{1, 4, 32} {
		got, err = ProcessBounded(t.Context(), root, workers)
		if err != nil {
			t.Fatalf("ProcessBounded(%d workers): %v", workers, err)
		}
		if d := diff(got, want); d != "" {
			t.Errorf("ProcessBounded(%d workers): %s", workers, d)
		}
	}
}
