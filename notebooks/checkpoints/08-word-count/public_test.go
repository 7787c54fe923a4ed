package wordcount

import (
	"maps"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func cpCount(doc []string) map[string]int {
	m := map[string]int{}
	for _, w := range doc {
		m[w]++
	}
	return m
}

func TestCountsMerged(t *testing.T) {
	docs := [][]string{
		strings.Fields("the cat sat on the mat"),
		strings.Fields("the dog sat"),
		nil,
		strings.Fields("a cat and a dog"),
	}
	got := WordCount(docs, 3, cpCount)
	want := map[string]int{"the": 3, "cat": 2, "sat": 2, "on": 1, "mat": 1, "dog": 2, "a": 2, "and": 1}
	if !maps.Equal(got, want) {
		t.Errorf("WordCount = %v, want %v", got, want)
	}
}

// 9 documents, 3 mappers, a second per document: 3 at a time, 3 seconds in all.
func TestMappersAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		now, peak := 0, 0
		slow := func(doc []string) map[string]int {
			mu.Lock()
			now++
			peak = max(peak, now)
			mu.Unlock()
			time.Sleep(time.Second)
			mu.Lock()
			now--
			mu.Unlock()
			return cpCount(doc)
		}
		docs := make([][]string, 9)
		for i := range docs {
			docs[i] = []string{"go"}
		}
		start := time.Now()
		got := WordCount(docs, 3, slow)
		if got["go"] != 9 {
			t.Errorf("WordCount counted go %d times, want 9", got["go"])
		}
		if peak != 3 {
			t.Errorf("%d documents were counted at once, want 3 (the number of mappers)", peak)
		}
		if took := time.Since(start); took != 3*time.Second {
			t.Errorf("9 one-second documents with 3 mappers took %v, want 3s", took)
		}
	})
}
