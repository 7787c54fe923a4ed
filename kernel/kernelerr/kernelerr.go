// Package kernelerr holds the one error type that crosses the kernel's
// boundaries: a cell's failure as Jupyter shows it (ename, evalue,
// traceback). The session, the compiled-cell runner, the worker, the
// worker protocol and the kernel process all use it, so an error travels
// from where it happens to the notebook without being converted.
//
// It is a leaf: it imports only the standard library.
package kernelerr

// Error is a cell's failure: Jupyter's ename, evalue and traceback.
type Error struct {
	Name      string   `json:"ename"`
	Value     string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// New returns an error whose traceback is its one line, "name: value".
func New(name, value string) *Error {
	return &Error{Name: name, Value: value, Traceback: []string{name + ": " + value}}
}
