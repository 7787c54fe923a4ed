package server

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gopherlab/gopherlab/kernel/kernelerr"
	"github.com/gopherlab/gopherlab/kernel/wire"
	"github.com/gopherlab/gopherlab/kernel/workerproto"
)

// resetNote ends the error of a cell that took the worker down.
var resetNote = []string{
	"",
	"The kernel started a fresh Go worker: the session's state was reset.",
	"Variables, functions and imports from earlier cells are gone; run those cells again.",
}

// dispatchEvent handles one of a worker's events, in order, after the
// output that preceded it. Replies go to the request with their ID;
// displays and input requests are answered here.
func (k *Kernel) dispatchEvent(w *workerProc, ev workerproto.Message) {
	seq := workerproto.SyncOf(ev)
	w.stdout.waitSync(seq)
	w.stderr.waitSync(seq)
	if id, ok := workerproto.ReplyID(ev); ok {
		if !w.deliver(id, ev) {
			k.log.Printf("worker: %s %d answers no waiting request", ev.Kind(), id)
		}
		return
	}
	k.mu.Lock()
	parent := k.parent
	k.mu.Unlock()
	switch ev := ev.(type) {
	case *workerproto.Display:
		k.mu.Lock()
		if m := k.requests[ev.Cell]; ev.Cell > 0 && m != nil {
			parent = m // a goroutine of an earlier cell
		}
		k.mu.Unlock()
		k.publishRaw(parent, ev.MsgType, ev.Content)
	case *workerproto.InputRequest:
		if parent == nil {
			return
		}
		m, err := wire.NewMessage("input_request", parent, k.session, map[string]any{"prompt": ev.Prompt, "password": ev.Password})
		if err == nil {
			err = k.sockets.Stdin.Send(m)
		}
		if err != nil {
			k.log.Print(err)
		}
	default:
		k.log.Printf("worker: unexpected %s event", ev.Kind())
	}
}

// ask sends the request that req makes with a fresh ID to the worker and
// waits for its reply. died is true when the worker exited first; the reply
// is then nil. An interrupt sends the worker an Interrupt for the request.
func (k *Kernel) ask(ctx context.Context, req func(id uint64) workerproto.Message, interrupt <-chan struct{}) (reply workerproto.Message, w *workerProc, died bool) {
	w, err := k.currentWorker(ctx)
	if err != nil {
		return &workerproto.ErrorReply{Error: kernelerr.New("WorkerUnavailable", err.Error())}, nil, false
	}
	id := k.nextID.Add(1)
	replies := w.expect(id)
	defer w.forget(id)
	if err := w.send(req(id)); err != nil {
		<-w.exited
		return nil, w, true
	}
	var grace <-chan time.Time
	for {
		select {
		case reply = <-replies:
			return reply, w, false
		case <-w.exited:
			// The reply may have been sent just before the end: the
			// dispatcher has handed on every event once the pipe ended.
			select {
			case reply = <-replies:
				return reply, w, false
			case <-w.dispatched:
			}
			select {
			case reply = <-replies:
				return reply, w, false
			default:
			}
			return nil, w, true
		case <-interrupt:
			interrupt = nil
			if err := w.send(&workerproto.Interrupt{ID: id}); err != nil {
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
			return &workerproto.ErrorReply{ID: id, Error: &kernelerr.Error{
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

	got, w, died := k.ask(ctx, func(id uint64) workerproto.Message {
		return &workerproto.Execute{ID: id, Code: c.Code, ExecCount: n, AllowStdin: c.AllowStdin}
	}, interrupt)
	var reply workerproto.ExecuteReply
	switch got := got.(type) {
	case *workerproto.ExecuteReply:
		reply = *got
	case *workerproto.ErrorReply:
		reply.Error = got.Error
	}
	if died || reply.Restart {
		if died {
			w.drain(500 * time.Millisecond)
			w.leftover()
			reply.Error = w.lastWords()
		}
		reply.Error.Traceback = append(reply.Error.Traceback, resetNote...)
		k.restartWorker(ctx)
	} else if reply.Reset {
		k.restartWorker(ctx)
	}

	content := map[string]any{"execution_count": n, "user_expressions": map[string]any{}, "payload": []any{}}
	output := ""
	if e := reply.Error; e != nil {
		if e.Traceback == nil {
			e.Traceback = []string{}
		}
		content["status"] = "error"
		content["ename"], content["evalue"], content["traceback"] = e.Name, e.Value, e.Traceback
		if !c.Silent {
			k.publish(m, "error", e)
		}
		if c.StopOnError == nil || *c.StopOnError {
			k.mu.Lock()
			k.abortTo = time.Now()
			k.mu.Unlock()
		}
	} else {
		content["status"] = "ok"
		if reply.Pager != "" {
			content["payload"] = []any{map[string]any{"source": "page", "data": map[string]any{"text/plain": reply.Pager}, "start": 0}}
		}
		if len(reply.Data) > 0 && !c.Silent {
			meta := reply.Metadata
			if len(meta) == 0 {
				meta = json.RawMessage("{}")
			}
			// The bundle goes out as the worker encoded it.
			result := make([]byte, 0, len(reply.Data)+len(meta)+64)
			result = append(result, `{"execution_count":`...)
			result = strconv.AppendInt(result, int64(n), 10)
			result = append(result, `,"data":`...)
			result = append(result, reply.Data...)
			result = append(result, `,"metadata":`...)
			result = append(result, meta...)
			result = append(result, '}')
			k.publishRaw(m, "execute_result", result)
			output = reply.Text
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
	got, _, _ := k.ask(ctx, func(id uint64) workerproto.Message {
		return &workerproto.Complete{ID: id, Code: c.Code, Cursor: c.Cursor}
	}, nil)
	reply, ok := got.(*workerproto.CompleteReply)
	if !ok {
		reply = &workerproto.CompleteReply{CursorStart: c.Cursor, CursorEnd: c.Cursor}
	}
	if reply.Matches == nil {
		reply.Matches = []string{}
	}
	k.reply(s, m, "complete_reply", map[string]any{
		"status": "ok", "matches": reply.Matches, "cursor_start": reply.CursorStart, "cursor_end": reply.CursorEnd, "metadata": map[string]any{},
	})
}

func (k *Kernel) inspect(ctx context.Context, s *wire.Socket, m *wire.Message) {
	var c struct {
		Code        string `json:"code"`
		Cursor      int    `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	json.Unmarshal(m.Content, &c)
	got, _, _ := k.ask(ctx, func(id uint64) workerproto.Message {
		return &workerproto.Inspect{ID: id, Code: c.Code, Cursor: c.Cursor, DetailLevel: c.DetailLevel}
	}, nil)
	reply, _ := got.(*workerproto.InspectReply)
	if reply == nil {
		reply = &workerproto.InspectReply{}
	}
	data := map[string]any{}
	if reply.Found {
		data["text/plain"] = reply.Text
	}
	k.reply(s, m, "inspect_reply", map[string]any{"status": "ok", "found": reply.Found, "data": data, "metadata": map[string]any{}})
}

func (k *Kernel) isComplete(ctx context.Context, s *wire.Socket, m *wire.Message) {
	var c struct {
		Code string `json:"code"`
	}
	json.Unmarshal(m.Content, &c)
	got, _, _ := k.ask(ctx, func(id uint64) workerproto.Message {
		return &workerproto.IsComplete{ID: id, Code: c.Code}
	}, nil)
	reply, _ := got.(*workerproto.IsCompleteReply)
	if reply == nil {
		reply = &workerproto.IsCompleteReply{Status: "unknown"}
	}
	content := map[string]any{"status": reply.Status}
	if reply.Status == "incomplete" {
		content["indent"] = reply.Indent
	}
	k.reply(s, m, "is_complete_reply", content)
}
