package cell_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gopherlab/gopherlab/kernel/cell"
)

func TestComplete(t *testing.T) {
	s := cell.NewSession(cell.Options{})
	u, err := s.Prepare(1, "counter := 0\n// bump adds one.\nfunc bump() { counter++ }\ntype box struct{ Width, height int }\nfunc (b box) Area() int { return b.Width * b.height }")
	if err != nil {
		t.Fatal(err)
	}
	s.Commit(u)
	tests := []struct {
		src   string // | marks the cursor
		want  []string
		start string // the text the matches replace
	}{
		{"var wg sync.WaitGroup\nwg.|", []string{"Add", "Done", "Go", "Wait"}, ""},
		{"var wg sync.WaitGroup\nwg.W|", []string{"Wait"}, "W"},
		{"strings.ToU|", []string{"ToUpper", "ToUpperSpecial"}, "ToU"},
		{"fmt.Printl|", []string{"Println"}, "Printl"},
		{"cou|", []string{"counter"}, "cou"},
		{"bu|", []string{"bump"}, "bu"},
		{"b := box{}\nb.|", []string{"Area", "Width", "height"}, ""},
		{"x := 1\nfor i := range 3 {\n\tx += i\n\tx|\n}", []string{"x"}, "x"},
		{"ctx := context.Background()\nctx.Do|", []string{"Done"}, "Do"},
		{"errg|", []string{"errgroup"}, "errg"},
	}
	for _, tt := range tests {
		if strings.Contains(tt.src, "fmt.") {
			tt.src = "import \"fmt\"\n" + tt.src
		}
		cursor := strings.Index(tt.src, "|")
		src := strings.Replace(tt.src, "|", "", 1)
		rc := utf8.RuneCountInString(src[:cursor])
		got, start, end := s.Complete(src, rc)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Complete(%q): %v lacks %s", tt.src, got, w)
			}
		}
		if end != rc || string([]rune(src)[start:end]) != tt.start {
			t.Errorf("Complete(%q): replaces %q, want %q", tt.src, string([]rune(src)[start:end]), tt.start)
		}
	}
}

func TestInspect(t *testing.T) {
	s := cell.NewSession(cell.Options{})
	u, err := s.Prepare(1, "// bump adds one to the counter.\nfunc bump(n int) int { return n + 1 }")
	if err != nil {
		t.Fatal(err)
	}
	s.Commit(u)
	tests := []struct {
		src  string
		want []string
	}{
		{"strings.ToU|pper(\"x\")", []string{"func strings.ToUpper(s string) string", "ToUpper returns s with all Unicode letters mapped to their upper case."}},
		{"var wg sync.WaitGroup\nwg.Wa|it()", []string{"func (*sync.WaitGroup).Wait()", "Wait blocks"}},
		{"bump|(1)", []string{"func bump(n int) int", "bump adds one to the counter."}},
		// Anywhere inside a call's parentheses: the function called.
		{"fmt.Println(|", []string{"func fmt.Println(a ...any) (n int, err error)"}},
		{"fmt.Println(|)", []string{"func fmt.Println(a ...any) (n int, err error)"}},
		{"fmt.Println(\"a (b\", 1, |", []string{"func fmt.Println(a ...any) (n int, err error)"}},
		{"strings.Repeat(strings.ToUpper(\"x\"), |", []string{"func strings.Repeat(s string, count int) string"}},
		{"bump(bump(1) +| 2)", []string{"func bump(n int) int"}},
		{"bump(\n\t1,|\n)", []string{"func bump(n int) int"}},
	}
	for _, tt := range tests {
		if strings.Contains(tt.src, "fmt.") {
			tt.src = "import \"fmt\"\n" + tt.src
		}
		cursor := strings.Index(tt.src, "|")
		src := strings.Replace(tt.src, "|", "", 1)
		got, ok := s.Inspect(src, utf8.RuneCountInString(src[:cursor]))
		if !ok {
			t.Errorf("Inspect(%q): nothing", tt.src)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Inspect(%q) = %q, lacks %q", tt.src, got, w)
			}
		}
	}
}

func TestIsComplete(t *testing.T) {
	s := cell.NewSession(cell.Options{})
	tests := []struct{ src, status, indent string }{
		{"x := 1", "complete", ""},
		{"for i := range 3 {", "incomplete", "\t"},
		{"func f() {\n\tif true {", "incomplete", "\t\t"},
		{"s := `raw", "incomplete", ""},
		{"fmt.Println(1,", "incomplete", "\t"},
		{"x := )", "invalid", ""},
		{"import \"fmt\"\nfmt.Println(1)", "complete", ""},
	}
	for _, tt := range tests {
		status, indent := s.IsComplete(tt.src)
		if status != tt.status || indent != tt.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tt.src, status, indent, tt.status, tt.indent)
		}
	}
}
