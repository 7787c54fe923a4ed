package corpus

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
)

// Table gathers verdicts: it is safe for concurrent use.
type Table struct {
	mu     sync.Mutex
	rows   map[rowKey]*counts
	kinds  map[string]map[string][]string // front -> kind -> job IDs
	silent []string                       // job ID: why
	breaks []string                       // front end fails, yaegi alone passes
}

type rowKey struct{ corpus, mode, front string }

type counts struct{ pass, loud, silent, excluded int }

// Add records a job's verdict.
func (t *Table) Add(j Job, v Verdict) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rows == nil {
		t.rows, t.kinds = map[rowKey]*counts{}, map[string]map[string][]string{}
	}
	k := rowKey{j.Program.Corpus, j.Mode, j.Front()}
	c := t.rows[k]
	if c == nil {
		c = &counts{}
		t.rows[k] = c
	}
	switch v.Class {
	case Pass:
		c.pass++
	case Loud:
		c.loud++
	case Silent:
		c.silent++
		t.silent = append(t.silent, fmt.Sprintf("%s (%s): %s", j.ID(), j.Front(), v.Why))
	case Excluded:
		c.excluded++
	}
	if v.Class == Loud || v.Class == Silent {
		if t.kinds[j.Front()] == nil {
			t.kinds[j.Front()] = map[string][]string{}
		}
		t.kinds[j.Front()][v.Kind] = append(t.kinds[j.Front()][v.Kind], j.Program.Corpus+"/"+j.Mode+"/"+j.Program.Name)
	}
}

// Breaks records that the front end fails a job that yaegi alone passes.
func (t *Table) Breaks(j Job, v Verdict) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.breaks = append(t.breaks, fmt.Sprintf("%s: %s", j.ID(), v.Why))
}

// Print writes the table: corpus × mode × front, then the failure kinds
// of the front end (most frequent first), the silent failures by name and
// the programs the front end breaks. kinds bounds the kinds listed (0: all).
func (t *Table) Print(w io.Writer, kinds int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	keys := make([]rowKey, 0, len(t.rows))
	for k := range t.rows {
		keys = append(keys, k)
	}
	corpusOrder := map[string]int{Ours: 0, Goroot: 1, Fixedbugs: 2, Yaegi: 3}
	modeOrder := map[string]int{Notebook: 0, Whole: 1, Split: 2, Stress: 3, FullLoop: 4}
	slices.SortFunc(keys, func(a, b rowKey) int {
		return cmp.Or(cmp.Compare(corpusOrder[a.corpus], corpusOrder[b.corpus]),
			cmp.Compare(modeOrder[a.mode], modeOrder[b.mode]), cmp.Compare(b.front, a.front))
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "corpus\tmode\tcells by\tpass\tfail loud\tfail silent\texcluded\tpass rate\t")
	for _, k := range keys {
		c := t.rows[k]
		judged := c.pass + c.loud + c.silent
		rate := "-"
		if judged > 0 {
			rate = fmt.Sprintf("%.1f%%", 100*float64(c.pass)/float64(judged))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t\n", k.corpus, k.mode, k.front, c.pass, c.loud, c.silent, c.excluded, rate)
	}
	tw.Flush()
	for _, front := range []string{"front end", "yaegi"} {
		byKind := t.kinds[front]
		if len(byKind) == 0 {
			continue
		}
		names := make([]string, 0, len(byKind))
		for k := range byKind {
			names = append(names, k)
		}
		slices.SortFunc(names, func(a, b string) int {
			return cmp.Or(cmp.Compare(len(byKind[b]), len(byKind[a])), cmp.Compare(a, b))
		})
		fmt.Fprintf(w, "\nFailure kinds (%s), most frequent first:\n", front)
		for i, k := range names {
			if kinds > 0 && i == kinds {
				fmt.Fprintf(w, "  ... %d more kinds\n", len(names)-i)
				break
			}
			ids := byKind[k]
			slices.Sort(ids)
			fmt.Fprintf(w, "  %4d  %s\n        e.g. %s\n", len(ids), k, strings.Join(ids[:min(3, len(ids))], ", "))
		}
	}
	if len(t.silent) > 0 {
		slices.Sort(t.silent)
		fmt.Fprintf(w, "\nSilent failures (cells that report success with wrong output): %d\n", len(t.silent))
		for _, s := range t.silent {
			fmt.Fprintln(w, "  "+s)
		}
	}
	if len(t.breaks) > 0 {
		slices.Sort(t.breaks)
		fmt.Fprintf(w, "\nThe front end fails, yaegi alone passes: %d\n", len(t.breaks))
		for _, s := range t.breaks {
			fmt.Fprintln(w, "  "+s)
		}
	}
}
