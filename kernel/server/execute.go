package server

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gopherlab/gopherlab/kernel/wire"
	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

// resetNote ends the error of a cell that took the worker down.
var resetNote = []string{
	"",
	"The kernel started a fresh Go worker: the session's state was reset.",
	"Variables, functions and imports from earlier cells are gone; run those cells again.",
}

// dispatchEvents handles a worker's events until its event pipe ends. Replies
// go to whoever waits for them; displays and input requests are answered
// here, after the output that preceded them.
func (k *Kernel) dispatchEvents(w *workerProc) {
	for ev := range w.events {
		w.stdout.waitSync(ev.Sync)
		w.stderr.waitSync(ev.Sync)
		k.mu.Lock()
		parent := k.parent
		k.mu.Unlock()
		switch ev.Type {
		case workerproto.Reply, workerproto.Restart:
			select {
			case w.replies <- ev:
			default:
				k.log.Printf("worker: reply %d with no request waiting", ev.ID)
			}
		case workerproto.Display:
			k.mu.Lock()
			if m := k.requests[ev.Cell]; ev.Cell > 0 && m != nil {
				parent = m // a goroutine of an earlier cell
			}
			k.mu.Unlock()
			k.publish(parent, ev.MsgType, ev.Content)
		case workerproto.InputRequest:
			if parent == nil {
				continue
			}
			m, err := wire.NewMessage("input_request", parent, k.session, map[string]any{"prompt": ev.Text, "password": ev.Password})
			if err == nil {
				err = k.sockets.Stdin.Send(m)
			}
			if err != nil {
				k.log.Print(err)
			}
		default:
			k.log.Printf("worker: unexpected event %q", ev.Type)
		}
	}
}

// ask sends a request to the worker and waits for its reply. died is true
// when the worker exited first.
func (k *Kernel) ask(ctx context.Context, req workerproto.Request, interrupt <-chan struct{}) (ev workerproto.Event, w *workerProc, died bool) {
	w, err := k.currentWorker(ctx)
	if err != nil {
		return workerproto.Event{Status: "error", Error: &workerproto.Error{
			Name: "WorkerUnavailable", Value: err.Error(), Traceback: []string{err.Error()}}}, nil, false
	}
	if err := w.send(req); err != nil {
		<-w.exited
		return ev, w, true
	}
	var grace <-chan time.Time
	for {
		select {
		case ev = <-w.replies:
			return ev, w, false
		case <-w.exited:
			// A reply may have been sent just before the end.
			select {
			case ev = <-w.replies:
				return ev, w, false
			default:
			}
			return ev, w, true
		case <-interrupt:
			interrupt = nil
			if err := w.send(workerproto.Request{Type: workerproto.Interrupt}); err != nil {
				k.log.Print(err)
			}
			grace = time.After(interruptGrace)
		case <-grace:
			// The worker did not answer: make it print its goroutines
			// (they become the cell's error) and exit.
			k.log.Printf("worker: no answer %v after interrupt: SIGQUIT", interruptGrace)
			w.quit()
			grace = nil
		case <-ctx.Done():
			// The kernel shuts down; Run stops the worker.
			return workerproto.Event{Status: "error", Error: &workerproto.Error{
				Name: "ShuttingDown", Value: "the kernel is shutting down", Traceback: []string{}}}, w, false
		}
	}
}

// keptRequests is how many recent execute requests the kernel remembers, so
// that the output of goroutines their cells started goes under them.
const keptRequests = 1000

type executeRequest struct {
	Code         string `json:"code"`
	Silent       bool   `json:"silent"`
	StoreHistory *bool  `json:"store_history"`
	AllowStdin   bool   `json:"allow_stdin"`
	StopOnError  *bool  `json:"stop_on_error"`
}

func (k *Kernel) execute(ctx context.Context, s *wire.Socket, m *wire.Message) {
	var c executeRequest
	if err := json.Unmarshal(m.Content, &c); err != nil {
		k.reply(s, m, "execute_reply", map[string]any{"status": "error", "ename": "BadRequest", "evalue": err.Error(), "traceback": []string{}})
		return
	}
	store := !c.Silent && (c.StoreHistory == nil || *c.StoreHistory)
	k.mu.Lock()
	aborted := m.Received.Before(k.abortTo)
	k.mu.Unlock()
	if aborted {
		// An earlier cell failed with stop_on_error: the cells queued
		// behind it do not run.
		k.reply(s, m, "execute_reply", map[string]any{"status": "aborted", "execution_count": nil, "user_expressions": map[string]any{}, "payload": []any{}})
		return
	}
	interrupt := make(chan struct{})
	k.mu.Lock()
	if store {
		k.execCount++
	}
	n := k.execCount
	k.parent = m
	if store {
		// A silent request shares the count of the cell before it: the
		// output of goroutines started with that count goes under the cell.
		if k.requests == nil {
			k.requests = map[int]*wire.Message{}
		}
		k.requests[n] = m
		delete(k.requests, n-keptRequests)
	}
	k.interrupt = interrupt
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.interrupt = nil
		k.mu.Unlock()
	}()
	if !c.Silent {
		k.publish(m, "execute_input", map[string]any{"code": c.Code, "execution_count": n})
	}

	ev, w, died := k.ask(ctx, workerproto.Request{Type: workerproto.Execute, Code: c.Code, ExecCount: n, AllowStdin: c.AllowStdin}, interrupt)
	if died || ev.Type == workerproto.Restart {
		if died {
			w.drain(500 * time.Millisecond)
			ev = workerproto.Event{Status: "error", Error: w.lastWords()}
		}
		ev.Error.Traceback = append(ev.Error.Traceback, resetNote...)
		k.restartWorker(ctx)
	} else if ev.Reset {
		k.restartWorker(ctx)
	}

	content := map[string]any{"execution_count": n, "user_expressions": map[string]any{}, "payload": []any{}}
	output := ""
	if ev.Status == "error" && ev.Error != nil {
		if ev.Error.Traceback == nil {
			ev.Error.Traceback = []string{}
		}
		content["status"] = "error"
		content["ename"], content["evalue"], content["traceback"] = ev.Error.Name, ev.Error.Value, ev.Error.Traceback
		if !c.Silent {
			k.publish(m, "error", map[string]any{"ename": ev.Error.Name, "evalue": ev.Error.Value, "traceback": ev.Error.Traceback})
		}
		if c.StopOnError == nil || *c.StopOnError {
			k.mu.Lock()
			k.abortTo = time.Now()
			k.mu.Unlock()
		}
	} else {
		content["status"] = "ok"
		if ev.Pager != "" {
			content["payload"] = []any{map[string]any{"source": "page", "data": map[string]any{"text/plain": ev.Pager}, "start": 0}}
		}
		if len(ev.Data) > 0 && !c.Silent {
			meta := ev.Meta
			if meta == nil {
				meta = map[string]any{}
			}
			k.publish(m, "execute_result", map[string]any{"execution_count": n, "data": ev.Data, "metadata": meta})
			output = fmt.Sprint(ev.Data["text/plain"])
		}
	}
	if store {
		k.history.add(n, c.Code, output)
	}
	k.reply(s, m, "execute_reply", content)
}

func (k *Kernel) complete(ctx context.Context, s *wire.Socket, m *wire.Message) {
	var c struct {
		Code   string `json:"code"`
		Cursor int    `json:"cursor_pos"`
	}
	json.Unmarshal(m.Content, &c)
	ev, _, died := k.ask(ctx, workerproto.Request{Type: workerproto.Complete, Code: c.Code, Cursor: c.Cursor}, nil)
	if died {
		ev = workerproto.Event{CursorStart: c.Cursor, CursorEnd: c.Cursor}
	}
	if ev.Matches == nil {
		ev.Matches = []string{}
	}
	k.reply(s, m, "complete_reply", map[string]any{
		"status": "ok", "matches": ev.Matches, "cursor_start": ev.CursorStart, "cursor_end": ev.CursorEnd, "metadata": map[string]any{},
	})
}

func (k *Kernel) inspect(ctx context.Context, s *wire.Socket, m *wire.Message) {
	var c struct {
		Code        string `json:"code"`
		Cursor      int    `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	json.Unmarshal(m.Content, &c)
	ev, _, _ := k.ask(ctx, workerproto.Request{Type: workerproto.Inspect, Code: c.Code, Cursor: c.Cursor, DetailLevel: c.DetailLevel}, nil)
	data := map[string]any{}
	if ev.Found {
		data["text/plain"] = ev.Text
	}
	k.reply(s, m, "inspect_reply", map[string]any{"status": "ok", "found": ev.Found, "data": data, "metadata": map[string]any{}})
}

func (k *Kernel) isComplete(ctx context.Context, s *wire.Socket, m *wire.Message) {
	var c struct {
		Code string `json:"code"`
	}
	json.Unmarshal(m.Content, &c)
	ev, _, died := k.ask(ctx, workerproto.Request{Type: workerproto.IsComplete, Code: c.Code}, nil)
	if died {
		ev.Status = "unknown"
	}
	content := map[string]any{"status": ev.Status}
	if ev.Status == "incomplete" {
		content["indent"] = ev.Indent
	}
	k.reply(s, m, "is_complete_reply", content)
}
