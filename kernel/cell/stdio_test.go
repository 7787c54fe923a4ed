package cell_test

import "testing"

// TestWritesStdio: Unit.WritesStdio must be true for every cell whose code
// can write to the process's standard output or error other than through
// the interpreter's fmt.Print and log functions: the session's stdout
// buffer would put those writes out of order.
func TestWritesStdio(t *testing.T) {
	cases := []struct {
		name  string
		cells []string // earlier cells, then the cell under test
		want  bool
	}{
		{"println", []string{`fmt.Println("hi")`}, false},
		{"printf in a func", []string{`func f(i int) { fmt.Printf("%d\n", i) }`}, false},
		{"log", []string{`log.Println("hi")`}, false},
		{"sprintf", []string{`s := fmt.Sprint(1)`}, false},
		{"exec output", []string{`out, _ := exec.Command("date").Output()`}, false},
		{"os.Stdout", []string{`fmt.Fprintln(os.Stdout, "hi")`}, true},
		{"os.Stderr", []string{`fmt.Fprintln(os.Stderr, "hi")`}, true},
		{"os.Stdout kept", []string{`var w io.Writer = os.Stdout`}, true},
		{"os.Stdout in a func", []string{`func f() *os.File { return os.Stdout }`}, true},
		{"child's stdout", []string{`cmd := exec.Command("date")`, `cmd.Stdout = os.Stdout`}, true},
		{"NewFile", []string{`f := os.NewFile(1, "out")`}, true},
		{"dev stdout", []string{`f, _ := os.Create("/dev/stdout")`}, true},
		{"proc fd", []string{`p := fmt.Sprintf("/proc/self/fd/%d", 1)`}, true},
		{"folded path", []string{`const dir = "/dev"`, `f, _ := os.OpenFile(dir+"/stderr", os.O_WRONLY, 0)`}, true},
		{"shell redirect", []string{`exec.Command("sh", "-c", "echo hi > /proc/$PPID/fd/1").Run()`}, true},
		{"builtin println", []string{`println("hi")`}, true},
		{"builtin print", []string{`func f() { print(1) }`}, true},
		{"syscall", []string{`syscall.Write(1, []byte("hi"))`}, true},
		{"flag", []string{`flag.PrintDefaults()`}, true},
		{"debug.PrintStack", []string{`debug.PrintStack()`}, true},
		{"slog", []string{`slog.Info("hi")`}, true},
		{"log.Default", []string{`l := log.Default()`}, true},
		{"log.SetOutput", []string{`log.SetOutput(io.Discard)`}, true},
		{"ast.Print", []string{`ast.Print(nil, 1)`}, true},
		{"a later harmless cell", []string{`fmt.Fprintln(os.Stdout, "hi")`, `fmt.Println("hi")`}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if u := prepareAll(t, tc.cells); u.WritesStdio != tc.want {
				t.Errorf("WritesStdio = %v, want %v", u.WritesStdio, tc.want)
			}
		})
	}
}
