package magic

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		cell string
		want []Step
	}{
		{"x := 1\nx + 1", []Step{{Kind: "go", Code: "x := 1\nx + 1", Line: 1}}},
		{"%%writefile hello.go\npackage main\n", []Step{{Kind: "cell", Name: "writefile", Args: "hello.go", Code: "\npackage main\n", Line: 1}}},
		{"!ls -l\nx := 1", []Step{{Kind: "shell", Args: "ls -l", Line: 1}, {Kind: "go", Code: "\nx := 1", Line: 2}}},
		{"%time slow()", []Step{{Kind: "line", Name: "time", Args: "slow()", Line: 1}}},
		{"a := 1\n%env GOMAXPROCS=2\nb := a", []Step{
			{Kind: "go", Code: "a := 1", Line: 1},
			{Kind: "line", Name: "env", Args: "GOMAXPROCS=2", Line: 2},
			{Kind: "go", Code: "\n\nb := a", Line: 3},
		}},
		{"x := 10 %\n3", []Step{{Kind: "go", Code: "x := 10 %\n3", Line: 1}}},
	}
	for _, tt := range tests {
		if got := Split(tt.cell); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) =\n%+v\nwant\n%+v", tt.cell, got, tt.want)
		}
	}
}

func TestWriteFileAndShell(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	file := filepath.Join(dir, "sub", "hello.txt")
	if err := WriteFile(file, "\nhello", &out); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile("-a "+file, "\nworld\n", &out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	if string(b) != "hello\nworld\n" {
		t.Errorf("file = %q", b)
	}
	if !strings.Contains(out.String(), "Writing "+file) || !strings.Contains(out.String(), "Appending to "+file) {
		t.Errorf("messages: %q", out.String())
	}
	var so, se strings.Builder
	if err := Shell(context.Background(), "cat "+file+"; echo oops >&2", &so, &se); err != nil {
		t.Fatal(err)
	}
	if so.String() != "hello\nworld\n" || se.String() != "oops\n" {
		t.Errorf("shell: stdout %q stderr %q", so.String(), se.String())
	}
	if err := Shell(context.Background(), "exit 3", &so, &se); err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Errorf("exit 3: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := Shell(ctx, "sleep 30", &so, &se); err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("cancelled sleep: %v", err)
	}
}

func TestTimeitGrowsLoops(t *testing.T) {
	var calls []int
	// Each loop "takes" 1 ms: the loop count must reach 200.
	timing, err := Timeit(context.Background(), func(n int) (time.Duration, error) {
		calls = append(calls, n)
		return time.Duration(n) * time.Millisecond, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if timing.Loops != 200 || len(timing.PerLoop) != 7 || timing.Median() != time.Millisecond {
		t.Errorf("timing %+v (calls %v)", timing, calls)
	}
	if got := timing.String(); got != "1ms ± 0s per loop (median ± std. dev. of 7 runs, 200 loops each)" {
		t.Errorf("String() = %q", got)
	}
}
