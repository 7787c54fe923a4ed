package cell

import "strings"

// CutCells cuts a whole Go program of the conformance corpus
// (testdata/conformance) into notebook cells: the package clause goes, the
// lines `func main() {` and the file's last `}` go, and every line `//cell`
// starts a new cell.
func CutCells(prog string) []string {
	lines := strings.Split(strings.TrimRight(prog, "\n"), "\n")
	var kept []string
	last := len(lines) - 1
	for last >= 0 && strings.TrimSpace(lines[last]) == "" {
		last--
	}
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "package "):
			continue
		case strings.TrimSpace(l) == "func main() {":
			continue
		case i == last && strings.TrimSpace(l) == "}":
			continue
		}
		kept = append(kept, l)
	}
	var cells []string
	var cur []string
	for _, l := range kept {
		if strings.TrimSpace(l) == "//cell" {
			cells = append(cells, strings.Join(cur, "\n"))
			cur = nil
			continue
		}
		cur = append(cur, l)
	}
	cells = append(cells, strings.Join(cur, "\n"))
	var out []string
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			out = append(out, c)
		}
	}
	return out
}
