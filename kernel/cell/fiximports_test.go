package cell

import (
	"testing"

	"golang.org/x/tools/imports"
)

// TestFixImports checks FixImports against goimports itself (which the
// binary no longer links; the test may) on the shapes of file that
// Program and %grade build.
func TestFixImports(t *testing.T) {
	for _, tt := range []struct {
		name string
		add  bool
		src  string
		// want, when set, is where FixImports parts from goimports on
		// purpose, and why.
		want, why string
	}{
		{"unused", false, "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() { fmt.Println() }\n", "", ""},
		{"all unused", false, "package main\n\nimport \"os\"\n\nvar x = 1\n", "", ""},
		{"groups", false, "package cp\n\nimport (\n\t\"fmt\"\n\t\"golang.org/x/sync/errgroup\"\n\t\"sync\"\n\t\"github.com/gopherlab/gopherlab/kernel/display\"\n)\n\nvar (\n\t_ errgroup.Group\n\t_ sync.Mutex\n\t_ = fmt.Sprint\n\t_ = display.HTML\n)\n", "", ""},
		{"two decls", false, "package main\n\nimport \"fmt\"\nimport \"strings\"\n\n// f upper-cases.\nfunc f() { fmt.Println(strings.ToUpper(\"x\")) } // done\n", "", ""},
		{"three decls", false, "package main\n\nimport \"fmt\"\n\nimport (\n\t\"os\"\n\t\"strings\"\n)\n\nimport \"sort\"\n\nfunc f() { fmt.Println(strings.ToUpper(\"x\"), os.Args, sort.Ints) }\n", "", ""},
		{"named", false, "package main\n\nimport (\n\tstr \"strings\"\n\tf \"fmt\"\n)\n\nfunc g() string { return str.ToUpper(\"x\") }\n", "", ""},
		{"dot and blank", false, "package main\n\nimport (\n\t. \"fmt\"\n\t_ \"embed\"\n\t\"os\"\n)\n\nfunc g() { Println() }\n", "", ""},
		{"v2", false, "package main\n\nimport (\n\t\"math/rand/v2\"\n\t\"fmt\"\n)\n\nfunc g() int { return rand.IntN(3) }\n", "", ""},
		{"duplicate", false, "package main\n\nimport (\n\t\"fmt\"\n\t\"fmt\"\n)\n\nfunc g() { fmt.Println() }\n", "", ""},
		{"local shadows", false, "package main\n\nimport \"strings\"\n\nfunc g(strings []string) int { return len(strings) }\n", "", ""},
		{"unexported selector", false, "package main\n\nimport \"sync\"\n\nfunc g() { var sync struct{ n int }; _ = sync.n }\n", "", ""},
		{"line directives", false, "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\n//line cell 2:3\nfunc g() {\n//line cell 2:4\n\tfmt.Println()\n}\n", "", ""},
		{"comments in block", false, "package main\n\nimport (\n\t\"sync\" // locks\n\t\"fmt\"\n//line cell 3:2\n\t\"os\"\n\t\"golang.org/x/sync/errgroup\"\n)\n\nvar _ = fmt.Sprint(os.Args, errgroup.Group{}, sync.Mutex{})\n",
			"package main\n\nimport (\n\t\"fmt\"\n\t\"sync\" // locks\n//line cell 3:2\n\t\"os\"\n\n\t\"golang.org/x/sync/errgroup\"\n)\n\nvar _ = fmt.Sprint(os.Args, errgroup.Group{}, sync.Mutex{})\n",
			"goimports moves the comment to another import and indents the //line directive, which then no longer counts"},
		{"add", true, "package cp\n\nimport (\n\t\"fmt\"\n)\n\nfunc f() string { return fmt.Sprint(strings.ToUpper(\"x\"), time.Second) }\n", "", ""},
		{"add none before", true, "package cp\n\nfunc f() string { return strings.ToUpper(\"x\") }\n", "", ""},
		{"add and remove", true, "package cp\n\nimport (\n\t\"os\"\n\t\"sync\"\n)\n\nvar mu sync.Mutex\n\nfunc f() { _ = errgroup.Group{}; _ = atomic.Int64{} }\n", "", ""},
		{"add not a package", true, "package cp\n\nfunc f() { _ = nosuchpkg.X; x := struct{ Y int }{}; _ = x.Y }\n", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := []byte(tt.want)
			if tt.want == "" {
				var err error
				want, err = imports.Process("cells.go", []byte(tt.src), &imports.Options{Comments: true, TabIndent: true, TabWidth: 8})
				if err != nil {
					t.Fatalf("goimports: %v", err)
				}
			}
			got, err := FixImports([]byte(tt.src), tt.add)
			if err != nil {
				t.Fatalf("FixImports: %v", err)
			}
			if string(got) != string(want) {
				t.Errorf("FixImports:\n%s\nwant (goimports unless said):\n%s", got, want)
			}
		})
	}
}
