package toolchain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLang(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"go1.26.8", "1.26"},
		{"go1.26", "1.26"},
		{"go1.27rc1", "1.27"},
		{"go1.9.2", "1.9"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got, err := Lang(tt.in); got != tt.want || err != nil {
				t.Errorf("Lang(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := Lang("devel"); err == nil {
		t.Error(`Lang("devel") succeeded`)
	}
}

func TestLess(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"v0.9.0", "v0.10.0", true},
		{"v0.10.0", "v0.9.0", false},
		{"v1.0.0", "v1.0.0", false},
		{"v1.2.3-pre", "v1.2.3", true},
		{"v2.0.0", "v10.0.0", true},
	} {
		if got := Less(tt.a, tt.b); got != tt.want {
			t.Errorf("Less(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNewestCached(t *testing.T) {
	cache := t.TempDir()
	dir := filepath.Join(cache, "cache", "download", "golang.org", "x", "sync", "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"v0.9.0", "v0.10.0", "v0.11.0-pre", "v0.0.0-20240101000000-abcdefabcdef"} {
		os.WriteFile(filepath.Join(dir, v+".zip"), nil, 0o644)
	}
	if got := NewestCached(cache, "golang.org/x/sync"); got != "v0.10.0" {
		t.Errorf("NewestCached = %q, want v0.10.0 (numeric order, no pre-release)", got)
	}
	if got := NewestCached(cache, "golang.org/x/time"); got != "" {
		t.Errorf("NewestCached of a module not in the cache = %q", got)
	}
}

func TestGoMod(t *testing.T) {
	got, err := GoMod(Module{
		Path:    "gopherlab.cell",
		Go:      "1.26",
		Require: map[string]string{"golang.org/x/time": "v0.16.0", "golang.org/x/sync": "v0.24.0", "github.com/gopherlab/gopherlab": "v0.0.0"},
		Replace: map[string]string{"github.com/gopherlab/gopherlab": "./gopherlab"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `module gopherlab.cell

go 1.26

require (
	github.com/gopherlab/gopherlab v0.0.0
	golang.org/x/sync v0.24.0
	golang.org/x/time v0.16.0
)

replace github.com/gopherlab/gopherlab => ./gopherlab
`
	if string(got) != want {
		t.Errorf("GoMod =\n%s\nwant\n%s", got, want)
	}
	if _, err := GoMod(Module{Path: "m", Go: "not a version"}); err == nil {
		t.Error("GoMod with a bad go line succeeded")
	}
}

func TestFind(t *testing.T) {
	g, err := Find(context.Background())
	if err != nil {
		t.Skipf("no Go toolchain: %v", err)
	}
	if !strings.HasPrefix(g.Version, "go1.") || g.Lang == "" || g.ModCache == "" || g.Cmd == "" {
		t.Errorf("Find = %+v", g)
	}
}
