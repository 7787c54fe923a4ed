// Package kernelspec writes the Jupyter kernelspec directory of the gopherlab
// kernel: kernel.json and its logos.
package kernelspec

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Name is the kernel's name in Jupyter.
const Name = "gopherlab"

var (
	//go:embed logo-32x32.png
	logo32 []byte
	//go:embed logo-64x64.png
	logo64 []byte
)

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// New returns the spec of a kernel run by the binary at the absolute path bin.
func New(bin string) (Spec, error) {
	if !filepath.IsAbs(bin) {
		return Spec{}, fmt.Errorf("kernelspec: binary path %q is not absolute", bin)
	}
	return Spec{
		Argv:          []string{bin, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   "Go (gopherlab)",
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}, nil
}

// Write writes kernel.json and the logos into dir, creating it.
func Write(dir string, spec Spec) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return fmt.Errorf("kernelspec: %w", err)
	}
	files := map[string][]byte{"kernel.json": append(b, '\n'), "logo-32x32.png": logo32, "logo-64x64.png": logo64}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("kernelspec: %w", err)
		}
	}
	return nil
}
