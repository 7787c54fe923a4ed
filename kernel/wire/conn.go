package wire

import (
	"encoding/json"
	"fmt"
	"os"
)

// Connection is the content of a Jupyter connection file.
type Connection struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"`
	Key             string `json:"key"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnection reads and checks a connection file.
func ReadConnection(path string) (Connection, error) {
	var c Connection
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("wire: connection file: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("wire: connection file %s: %w", path, err)
	}
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.Transport != "tcp" && c.Transport != "ipc" {
		return c, fmt.Errorf("wire: connection file %s: unsupported transport %q", path, c.Transport)
	}
	if c.IP == "" {
		return c, fmt.Errorf("wire: connection file %s: no ip", path)
	}
	if _, err := NewSigner(c.SignatureScheme, c.Key); err != nil {
		return c, fmt.Errorf("wire: connection file %s: %w", path, err)
	}
	return c, nil
}

// Endpoint returns the ZeroMQ address of a port, e.g. tcp://127.0.0.1:5555.
// Both transports go through the frame-size guard (see guard.go).
func (c Connection) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return fmt.Sprintf("%s://%s-%d", guardedIPC, c.IP, port)
	}
	return fmt.Sprintf("%s://%s:%d", guardedScheme, c.IP, port)
}
