package kernelspec

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	spec, err := New("/opt/gopherlab/bin/gopherlab")
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, spec); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["display_name"] != "Go (gopherlab)" || got["language"] != "go" || got["interrupt_mode"] != "message" {
		t.Errorf("kernel.json = %s", b)
	}
	argv := got["argv"].([]any)
	if argv[0] != "/opt/gopherlab/bin/gopherlab" || argv[len(argv)-1] != "{connection_file}" {
		t.Errorf("argv = %v", argv)
	}
	for name, size := range map[string]int{"logo-32x32.png": 32, "logo-64x64.png": 64} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %v", name, b)
		}
	}
}

func TestRelativeBinaryRejected(t *testing.T) {
	if _, err := New("bin/gopherlab"); err == nil {
		t.Error("relative binary path accepted")
	}
}
