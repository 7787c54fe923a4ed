package wordcount

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

func TestOneMapper(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		WordCount([][]string{{"a"}, {"b"}, {"c"}}, 1, func(doc []string) map[string]int {
			time.Sleep(time.Second)
			return cpCount(doc)
		})
		if took := time.Since(start); took != 3*time.Second {
			t.Errorf("3 documents, 1 mapper: took %v, want 3s", took)
		}
	})
	if got := WordCount(nil, 4, cpCount); len(got) != 0 {
		t.Errorf("no documents: %v", got)
	}
}

func TestManyDocs(t *testing.T) {
	var docs [][]string
	for d := range 300 {
		var doc []string
		for i := range 50 {
			doc = append(doc, fmt.Sprint("w", (d*i)%37))
		}
		docs = append(docs, doc)
	}
	want := map[string]int{}
	for k := range docs {
		for _, w := range docs[k] {
			want[w]++
		}
	}
	got := WordCount(docs, 8, cpCount)
	for w, c := range want {
		if got[w] != c {
			t.Errorf("%s: %d, want %d", w, got[w], c)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d distinct words, want %d", len(got), len(want))
	}
}
