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
