package submission

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestExtractMapsLinesToCells(t *testing.T) {
	data, err := os.ReadFile("../testdata/sum/submissions/race.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	src, m, err := Extract(data, "sum")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	// Every generated line that came from a cell must equal that cell's line.
	for i, l := range lines {
		cell, line, ok := m.Locate(i + 1)
		if !ok || l == "" {
			continue
		}
		// Imports are regrouped, so compare their spec; other lines are copied verbatim.
		if got := cellLine(t, data, cell, line); !strings.Contains(got, strings.TrimSpace(l)) {
			t.Errorf("generated line %d %q maps to cell %d line %d %q", i+1, l, cell, line, got)
		}
	}
	if !strings.Contains(string(src), "package sum\n") {
		t.Errorf("no package clause:\n%s", src)
	}
}

func cellLine(t *testing.T, nb []byte, cell, line int) string {
	t.Helper()
	var n notebook
	if err := json.Unmarshal(nb, &n); err != nil {
		t.Fatal(err)
	}
	src, _ := joinSource(n.Cells[cell-1].Source)
	return strings.Split(src, "\n")[line-1]
}

func TestExtractErrors(t *testing.T) {
	for file, want := range map[string]string{
		"duplicate.ipynb": "func Done is already declared in cell 3, line 2",
		"statement.ipynb": "cell 3, line 1: expected declaration",
		"corrupt.ipynb":   "not a readable notebook",
	} {
		_, err := Load("../testdata/sum/submissions/"+file, "sum")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to mention %q", file, err, want)
		}
	}
}

func TestAddFeedbackReplacesEarlierCell(t *testing.T) {
	data, err := os.ReadFile("../testdata/sum/submissions/pass.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	once, err := AddFeedback(data, "## first\n")
	if err != nil {
		t.Fatal(err)
	}
	twice, err := AddFeedback(once, "## second\n")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(twice), "first") || strings.Count(string(twice), FeedbackTag) != 2 { // tag and id
		t.Errorf("feedback not replaced:\n%s", twice)
	}
	// The notebook still grades the same way.
	if _, _, err := Extract(twice, "sum"); err != nil {
		t.Errorf("notebook with feedback: %v", err)
	}
}
