package cell_test

import (
	"testing"

	"github.com/gopherlab/gopherlab/kernel/cell"
	"github.com/gopherlab/gopherlab/kernel/symbols"
)

// Outside a module (a learner release has no go.mod), display comes from the
// symbol tables while time comes from export data: the type checker must
// still see one time.Time (lesson 01 failed with "cannot use r.start
// (variable of struct type time.Time) as time.Time value").
func TestTablePackageSharesOtherPackagesTypes(t *testing.T) {
	fe := cell.NewSession(cell.Options{Dir: t.TempDir(), Tables: symbols.Symbols()})
	src := `import "github.com/gopherlab/gopherlab/kernel/display"
type rec struct{ start time.Time }
r := rec{time.Now()}
tl := display.NewTimeline()
tl.Add("w", "job", r.start, time.Now())
`
	if _, err := fe.Prepare(1, src); err != nil {
		t.Fatal(err)
	}
}
