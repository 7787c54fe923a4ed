package server_test

import (
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// cellCase is one case of a txtar file of cells (testdata/*.txtar): its
// files are named "<case>.<part>", in the order the cases run.
type cellCase struct {
	name   string
	setup  string              // part "setup": a cell run first
	cell   string              // part "cell": the cell under test
	stdout string              // part "stdout": a regular expression for its output
	err    string              // part "error": "ename: evalue" as a regular expression
	want   map[string][]string // part "want": "key: value" lines, values in order
}

// first is the first value of key in want, or "".
func (c *cellCase) first(key string) string {
	if v := c.want[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func loadCellCases(t *testing.T, file string) []*cellCase {
	t.Helper()
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []*cellCase
	byName := map[string]*cellCase{}
	for _, f := range a.Files {
		name, part, _ := strings.Cut(f.Name, ".")
		c := byName[name]
		if c == nil {
			c = &cellCase{name: name, want: map[string][]string{}}
			byName[name] = c
			cases = append(cases, c)
		}
		text := string(f.Data)
		switch part {
		case "setup":
			c.setup = text
		case "cell":
			c.cell = text
		case "stdout":
			c.stdout = strings.TrimSuffix(text, "\n")
		case "error":
			c.err = strings.TrimSuffix(text, "\n")
		case "want":
			for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
				k, v, _ := strings.Cut(line, ": ")
				c.want[k] = append(c.want[k], v)
			}
		default:
			t.Fatalf("%s: unknown part %q of case %s", file, part, name)
		}
	}
	return cases
}
