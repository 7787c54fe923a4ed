package cell_test

import (
	"fmt"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

// A cell that mixes declarations and statements: Decls keeps the imports,
// the declarations and the var declaration, not the statements.
func ExampleDecls() {
	src := `import "time"

// slowSquare squares n after d.
func slowSquare(n int, d time.Duration) int {
	time.Sleep(d)
	return n * n
}

total := 0
var rounds = 3
for i := range rounds {
	total += slowSquare(i, 0)
}
type pair struct{ a, b int }
total`
	for _, d := range cell.Decls(src) {
		fmt.Printf("line %d: %q\n", d.Line, d.Src)
	}
	// Output:
	// line 1: "import \"time\""
	// line 3: "// slowSquare squares n after d.\nfunc slowSquare(n int, d time.Duration) int {\n\ttime.Sleep(d)\n\treturn n * n\n}"
	// line 10: "var rounds = 3"
	// line 14: "type pair struct{ a, b int }"
}
