package batch

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/grader/report"
)

func TestShardsPartitionSubmissions(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7} {
		for i := range 200 {
			name := fmt.Sprintf("student%03d.ipynb", i)
			in := 0
			for k := 1; k <= n; k++ {
				if (Shard{k, n}).Has(name) {
					in++
				}
			}
			if in != 1 {
				t.Fatalf("%s is in %d of %d shards", name, in, n)
			}
		}
	}
	for _, bad := range []string{"0/2", "3/2", "1", "a/b", "1/0"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

func TestCollectZip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "class.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range []string{"alice.go", "bob/solution.go", "bob/helper.go", "__MACOSX/._alice.go", ".DS_Store", "carol/notes/x.go"} {
		w, _ := zw.Create(name)
		fmt.Fprintf(w, "package sum\n")
	}
	zw.Close()
	f.Close()
	items, err := Collect(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
	}
	if got := strings.Join(names, " "); got != "alice.go bob carol" {
		t.Fatalf("items %q", got)
	}
	bob, err := items[1].Load("sum")
	if err != nil || len(bob.Files) != 2 {
		t.Errorf("bob: %v, %+v", err, bob)
	}
	if _, err := items[2].Load("sum"); err == nil {
		t.Error("carol has no top-level Go files but loaded")
	}
	// The zip is open only while an item reads it, never for the whole batch.
	if fds := openFiles(t, path); fds != 0 {
		t.Errorf("%d descriptors of the class zip stay open after Collect and Load", fds)
	}
	// An entry that changed after the check is refused, not read.
	zf, _ := os.Create(path)
	zw = zip.NewWriter(zf)
	for _, name := range []string{"alice.go", "bob/solution.go", "bob/helper.go"} {
		w, _ := zw.Create(name)
		fmt.Fprintf(w, "package sum // changed\n")
	}
	zw.Close()
	zf.Close()
	if _, err := items[0].Load("sum"); err == nil || !strings.Contains(err.Error(), "changed since the batch began") {
		t.Errorf("alice.go changed after Collect: %v", err)
	}
}

// openFiles counts this process's descriptors open on path.
func openFiles(t *testing.T, path string) int {
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	n := 0
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && target == path {
			n++
		}
	}
	return n
}

func TestMerge(t *testing.T) {
	a := NewSummary("e04", Shard{1, 2}, []*report.Report{{Submission: "b"}})
	b := NewSummary("e04", Shard{2, 2}, []*report.Report{{Submission: "a"}})
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Reports[0].Submission != "a" || len(m.Shards) != 2 {
		t.Errorf("merged %+v", m)
	}
	if _, err := Merge(a, NewSummary("e05", Shard{}, nil)); err == nil {
		t.Error("merged summaries of two exercises")
	}
	if _, err := Merge(a, a); err == nil {
		t.Error("merged a submission twice")
	}
}

// TestZipBounds: a zip bomb is refused from its central directory before
// anything is extracted; an entry that holds more than it declares, or a
// symbolic link, fails only its own submission.
func TestZipBounds(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, add func(zw *zip.Writer)) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		add(zw)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		return p
	}
	zeros := make([]byte, 1<<20)
	bomb := write("bomb.zip", func(zw *zip.Writer) {
		w, _ := zw.Create("alice.go")
		for range 64 { // 64 MB of zeros: about 64 KB compressed
			w.Write(zeros)
		}
	})
	if _, err := Collect(bomb); err == nil || !strings.Contains(err.Error(), "would expand") {
		t.Errorf("bomb: %v, want a refusal for the compression ratio", err)
	}
	many := write("many.zip", func(zw *zip.Writer) {
		for i := range MaxZipEntries + 1 {
			zw.Create(fmt.Sprintf("s%d.go", i))
		}
	})
	if _, err := Collect(many); err == nil || !strings.Contains(err.Error(), "entries") {
		t.Errorf("many entries: %v", err)
	}
	mixed := write("mixed.zip", func(zw *zip.Writer) {
		w, _ := zw.Create("bob.go")
		w.Write([]byte("package sum\n"))
		// An entry that declares 10 bytes and holds 1 MB.
		h := &zip.FileHeader{Name: "liar.go", Method: zip.Store, UncompressedSize64: 10, CompressedSize64: 1 << 20}
		rw, _ := zw.CreateRaw(h)
		rw.Write(zeros)
		lh := &zip.FileHeader{Name: "link.go"}
		lh.SetMode(os.ModeSymlink | 0o777)
		lw, _ := zw.CreateHeader(lh)
		lw.Write([]byte("/work/exercises/x/solution.go"))
	})
	items, err := Collect(mixed)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range items {
		_, err := it.Load("sum")
		got[it.Name] = fmt.Sprint(err)
	}
	if got["bob.go"] != "<nil>" || got["liar.go"] == "<nil>" || !strings.Contains(got["link.go"], "symbolic link") {
		t.Errorf("per-submission results: %v", got)
	}
}
