package cell

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"
)

// writesStdio reports whether the new cell's code can write to the
// process's standard output or error by itself, not only through the
// interpreter's fmt.Print and log functions (Unit.WritesStdio). It names
// os.Stdout or os.Stderr (and so can hand them to a child process or a
// compiled writer), makes a file from a descriptor or a name under /dev
// or /proc, calls print or println (which the front end turns into a
// write to os.Stderr), or uses a package that writes to them of its own.
// It looks at the cell as written, before emit's rewrites.
func writesStdio(c *checked) bool {
	found := false
	ast.Inspect(c.cur.file, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.Ident:
			found = stdioObject(c.info.Uses[n])
		case ast.Expr:
			if tv, ok := c.info.Types[n]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
				s := constant.StringVal(tv.Value)
				found = strings.Contains(s, "/dev/") || strings.Contains(s, "/proc/")
			}
		}
		return !found
	})
	return found
}

// stdioPackages write to standard output or error of their own (flag's
// usage, runtime/debug.PrintStack, go/ast.Print, log.Default's logger,
// which is not the interpreter's), or reach file descriptors directly.
var stdioPackages = map[string]bool{
	"syscall": true, "golang.org/x/sys/unix": true, "runtime/debug": true,
	"flag": true, "go/ast": true, "testing": true, "log/slog": true,
	"net/http/cgi": true, "net/http/fcgi": true,
}

// stdioObject reports whether using obj lets code write to the process's
// standard output or error by itself.
func stdioObject(obj types.Object) bool {
	switch obj := obj.(type) {
	case nil:
		return false
	case *types.Builtin:
		return obj.Name() == "print" || obj.Name() == "println"
	case *types.PkgName:
		return stdioPackages[obj.Imported().Path()]
	}
	if obj.Pkg() == nil || obj.Pkg().Scope().Lookup(obj.Name()) != obj {
		return false // a field, method or local: its package's own objects were named to get it
	}
	switch obj.Pkg().Path() + "." + obj.Name() {
	case "os.Stdout", "os.Stderr", "os.NewFile", "os.StartProcess", "log.Default", "log.Writer", "log.SetOutput":
		return true
	}
	return false
}
