package server

import "github.com/gopherlab/gopherlab/kernel/wire"

// Info describes the kernel in kernel_info replies.
type Info struct {
	Version      string // gopherlab's version
	GoVersion    string // the Go that built the kernel, hence the standard library cells see
	YaegiVersion string
	LessonsURL   string
}

func (i Info) content() map[string]any {
	lessons := i.LessonsURL
	if lessons == "" {
		lessons = "https://github.com/gopherlab/gopherlab/tree/main/notebooks"
	}
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       wire.ProtocolVersion,
		"implementation":         "gopherlab",
		"implementation_version": i.Version,
		"language_info": map[string]any{
			"name":               "go",
			"version":            i.GoVersion,
			"mimetype":           "text/x-go",
			"file_extension":     ".go",
			"pygments_lexer":     "go",
			"codemirror_mode":    "go",
			"nbconvert_exporter": "script",
		},
		"banner": "Gopherlab " + i.Version + ": Go " + i.GoVersion + " in Jupyter, interpreted by yaegi " + i.YaegiVersion +
			".\nCells keep their state; `name?` shows documentation; interrupt stops a running cell.",
		"help_links": []map[string]string{
			{"text": "Gopherlab lessons", "url": lessons},
			{"text": "Go documentation", "url": "https://go.dev/doc/"},
			{"text": "Go standard library", "url": "https://pkg.go.dev/std"},
			{"text": "Effective Go", "url": "https://go.dev/doc/effective_go"},
		},
		"debugger": false,
	}
}
