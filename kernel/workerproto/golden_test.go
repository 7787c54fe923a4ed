package workerproto

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/kernel/kernelerr"
)

var update = flag.Bool("update", false, "rewrite testdata/protocol.jsonl from the messages in the test")

// examples holds one message of each kind, as the kernel and the worker send
// them. testdata/protocol.jsonl pins their lines: a change to the protocol
// shows up there.
var examples = []struct {
	name string
	msg  Message
}{
	{"execute", &Execute{ID: 7, Code: "x := 1\nx", ExecCount: 3, AllowStdin: true}},
	{"complete", &Complete{ID: 8, Code: "fmt.Pr", Cursor: 6}},
	{"inspect", &Inspect{ID: 9, Code: "fmt.Println(", Cursor: 12, DetailLevel: 1}},
	{"is_complete", &IsComplete{ID: 10, Code: "for {"}},
	{"interrupt", &Interrupt{ID: 7}},
	{"input_reply", &InputReply{Value: "Gopher"}},
	{"ready", &Ready{Version: "go1.26"}},
	{"execute_reply ok", &ExecuteReply{ID: 7, Sync: 4, Data: json.RawMessage(`{"text/plain":"1"}`), Metadata: json.RawMessage(`{}`), Text: "1"}},
	{"execute_reply error", &ExecuteReply{ID: 7, Sync: 5, Error: &kernelerr.Error{Name: "panic", Value: "boom", Traceback: []string{"panic: boom", "", "cell 3, line 2"}}}},
	{"execute_reply restart", &ExecuteReply{ID: 7, Sync: 6, Restart: true, Error: kernelerr.New("Interrupted", "the cell did not stop")}},
	{"execute_reply pager", &ExecuteReply{ID: 11, Sync: 7, Pager: "func Println(a ...any) (n int, err error)"}},
	{"execute_reply reset", &ExecuteReply{ID: 12, Sync: 8, Reset: true}},
	{"complete_reply", &CompleteReply{ID: 8, Matches: []string{"Print", "Printf", "Println"}, CursorStart: 4, CursorEnd: 6}},
	{"inspect_reply", &InspectReply{ID: 9, Found: true, Text: "func fmt.Println(a ...any) (n int, err error)"}},
	{"is_complete_reply", &IsCompleteReply{ID: 10, Status: "incomplete", Indent: "\t"}},
	{"error_reply", &ErrorReply{ID: 13, Error: kernelerr.New("WorkerUnavailable", "no worker")}},
	{"display", &Display{Sync: 9, MsgType: "display_data", Content: json.RawMessage(`{"data":{"text/html":"<b>hi</b>"},"metadata":{},"transient":{"display_id":"d1"}}`)}},
	{"display of an earlier cell", &Display{Sync: 10, Cell: 2, MsgType: "clear_output", Content: json.RawMessage(`{"wait":true}`)}},
	{"input_request", &InputRequest{Sync: 11, Prompt: "name? ", Password: false}},
}

func TestGolden(t *testing.T) {
	file := filepath.Join("testdata", "protocol.jsonl")
	var all bytes.Buffer
	w := NewWriter(&all)
	for _, ex := range examples {
		if err := w.Write(ex.msg); err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
	}
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, all.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	lines := strings.SplitAfter(string(golden), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) != len(examples) {
		t.Fatalf("%s has %d lines for %d examples (run go test -update)", file, len(lines), len(examples))
	}
	for i, ex := range examples {
		t.Run(ex.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := NewWriter(&b).Write(ex.msg); err != nil {
				t.Fatal(err)
			}
			if b.String() != lines[i] {
				t.Errorf("Write(%T) =\n%s\nwant (golden)\n%s", ex.msg, b.String(), lines[i])
			}
			got, err := NewReader(strings.NewReader(lines[i])).Read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, ex.msg) {
				t.Errorf("Read(golden) = %#v, want %#v", got, ex.msg)
			}
		})
	}
}

func TestEveryKindHasAnExample(t *testing.T) {
	seen := map[string]bool{}
	for _, ex := range examples {
		seen[ex.msg.Kind()] = true
	}
	for kind := range kinds {
		if !seen[kind] {
			t.Errorf("no example of %s in the golden test", kind)
		}
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown kind", `{"kind":"nope","msg":{}}` + "\n", `unknown kind "nope"`},
		{"not JSON", "hello\n", "workerproto: decode"},
		{"bad body", `{"kind":"execute","msg":{"id":"seven"}}` + "\n", "workerproto: decode execute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in)).Read()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read(%q) = %v, want an error with %q", tt.in, err, tt.want)
			}
		})
	}
	if _, err := NewReader(strings.NewReader("")).Read(); err != io.EOF {
		t.Errorf("Read at the end = %v, want io.EOF", err)
	}
}

// A display's content crosses as the worker encoded it, byte for byte.
func TestRawContentIsNotReencoded(t *testing.T) {
	content := `{"data": {"text/plain" : "x"},  "metadata":{}}`
	var b bytes.Buffer
	NewWriter(&b).Write(&Display{MsgType: "display_data", Content: json.RawMessage(content)})
	m, err := NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.(*Display).Content); got != strings.Join(strings.Fields(content), "") && got != content {
		t.Errorf("content = %s, want %s", got, content)
	}
}
