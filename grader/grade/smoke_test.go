package grade

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopherlab/gopherlab/grader/report"
)

func TestSmoke(t *testing.T) {
	subs, _ := filepath.Glob("../testdata/sum/submissions/*")
	for _, s := range subs {
		r, err := One(context.Background(), "../testdata/sum", s, Options{GOMAXPROCS: 2})
		if err != nil {
			t.Fatal(err)
		}
		report.WriteText(os.Stdout, r, false)
	}
}
