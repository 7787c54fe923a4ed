package kerneltest

import "github.com/gopherlab/gopherlab/kernel/wire"

// Late returns, and forgets, the IOPub messages of request id that arrived
// after its idle status and were read meanwhile (while waiting for other
// requests): the output of goroutines that its cell started.
func (k *Kernel) Late(id string) []*wire.Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := k.pending[id]
	delete(k.pending, id)
	return out
}
