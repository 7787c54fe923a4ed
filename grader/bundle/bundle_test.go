package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/gopherlab/gopherlab/grader/spec"
)

// TestGradescope writes the c1 autograder with this source tree, lays it out
// in a temporary root like Gradescope's (/autograder/source, submission,
// results), runs setup.sh whole (Go downloaded from a local HTTP server
// that serves a release-style tarball of this machine's Go with its
// .sha256 beside it, checked, unpacked, then gopherlab built with it, with
// no other Go on PATH) and run_autograder on a reference and a wrong
// submission, and checks each results.json against Gradescope's documented
// format. A tarball whose SHA-256 is not the published one is refused and
// nothing is installed.
func TestGradescope(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gopherlab")
	}
	root, _ := filepath.Abs("../..")
	s, err := spec.Load(filepath.Join(root, "exercises", "c1-cache-race"))
	if err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	if err := WriteGradescope(&zbuf, s, Options{Source: root}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zbuf.Bytes()), int64(zbuf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	ag := filepath.Join(t.TempDir(), "autograder")
	src := filepath.Join(ag, "source")
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		p := filepath.Join(src, f.Name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		rc, _ := f.Open()
		data := new(bytes.Buffer)
		data.ReadFrom(rc)
		rc.Close()
		if err := os.WriteFile(p, data.Bytes(), f.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"setup.sh", "run_autograder", "exercise/c1-cache-race/spec.json", "exercise/c1-cache-race/hidden_test.go", "exercise/c1-cache-race/public_test.go", "gopherlab-src.zip"} {
		if !slices.Contains(names, want) {
			t.Errorf("the bundle has no %s: %v", want, names)
		}
	}
	if slices.Contains(names, "exercise/c1-cache-race/solution.go") {
		t.Error("the bundle ships the reference solution")
	}
	// Go, served the way go.dev serves it: the tarball and URL.sha256.
	dl := t.TempDir()
	sum := goTarball(t, filepath.Join(dl, "go.tgz"))
	if err := os.WriteFile(filepath.Join(dl, "go.tgz.sha256"), []byte(sum), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dl, "bad.tgz"), []byte("not go"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dl)))
	defer srv.Close()
	goroot := filepath.Join(filepath.Dir(ag), "usr", "local", "go")
	env := append(withoutGo(os.Environ()), "GRADESCOPE_ROOT="+ag, "GOPHERLAB_GO_ROOT="+goroot,
		"GO_TARBALL_URL="+srv.URL+"/go.tgz", "GOFLAGS=-mod=mod", "GOPROXY=off", "TMPDIR="+t.TempDir())
	for _, bad := range []struct{ name, url, sum, want string }{
		{"wrong tarball", srv.URL + "/go.tgz", strings.Repeat("0", 64), "not installing it"},
		{"wrong published sum", srv.URL + "/bad.tgz", sum, "not installing it"},
		{"no published sum", srv.URL + "/bad.tgz", "", "cannot download the SHA-256"},
	} {
		setup := exec.Command("bash", filepath.Join(src, "setup.sh"), "go")
		setup.Env = append(env, "GO_TARBALL_URL="+bad.url, "GO_TARBALL_SHA256="+bad.sum)
		out, err := setup.CombinedOutput()
		if err == nil || !strings.Contains(string(out), bad.want) {
			t.Errorf("setup.sh go with a %s: %v, want a failure saying %q:\n%s", bad.name, err, bad.want, out)
		}
		if _, err := os.Stat(goroot); err == nil {
			t.Fatalf("setup.sh go with a %s installed Go anyway", bad.name)
		}
	}
	setup := exec.Command("bash", filepath.Join(src, "setup.sh"))
	setup.Env = env
	out, err := setup.CombinedOutput()
	if err != nil {
		t.Fatalf("setup.sh: %v\n%s", err, out)
	}
	if want := "installed go version " + runtime.Version(); !strings.Contains(string(out), want) || !strings.Contains(string(out), sum) {
		t.Fatalf("setup.sh did not say %q with SHA-256 %s:\n%s", want, sum, out)
	}
	for _, c := range []struct {
		file string
		full bool
	}{{"solution.go", true}, {"testdata/wrong/unlocked_map.go", false}} {
		sub := filepath.Join(ag, "submission")
		os.RemoveAll(sub)
		os.MkdirAll(sub, 0o755)
		data, _ := os.ReadFile(filepath.Join(s.Dir, c.file))
		os.WriteFile(filepath.Join(sub, "cache.go"), data, 0o644)
		run := exec.Command(filepath.Join(src, "run_autograder"))
		run.Env = env
		if out, err := run.CombinedOutput(); err != nil {
			t.Fatalf("run_autograder: %v\n%s", err, out)
		}
		results, err := os.ReadFile(filepath.Join(ag, "results", "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		score, max := checkResults(t, results)
		if (score == max) != c.full || max != 10 {
			t.Errorf("%s: %v/%v:\n%s", c.file, score, max, results)
		}
		// run_autograder requires the OS sandbox exactly where the machine
		// allows it, says in grader.log which way it went, and the report
		// is loud without it.
		sandboxed := exec.Command(filepath.Join(src, "bin", "gopherlab"), "grade", "--check-sandbox").Run() == nil
		log, _ := os.ReadFile(filepath.Join(ag, "results", "grader.log"))
		want := "run_autograder: NO OS sandbox here"
		if sandboxed {
			want = "run_autograder: the OS sandbox works here; grading with --require-sandbox"
		}
		if !strings.HasPrefix(string(log), want) {
			t.Errorf("%s: grader.log does not start with %q:\n%s", c.file, want, log)
		}
		if loud := strings.Contains(string(results), "NOT SANDBOXED"); loud == sandboxed {
			t.Errorf("%s: sandbox works here: %v, but the report says NOT SANDBOXED: %v:\n%s", c.file, sandboxed, loud, results)
		}
	}
}

// goTarball packs this machine's Go like a release tarball (everything
// under go/ but the test corpus) and returns its SHA-256.
func goTarball(t *testing.T, out string) string {
	t.Helper()
	goroot := runtime.GOROOT()
	if b, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		goroot = strings.TrimSpace(string(b))
	}
	args := []string{"-C", goroot, "--transform", "s,^,go/,", "-I", "gzip -1", "-cf", out}
	for _, name := range []string{"VERSION", "go.env", "LICENSE", "bin", "pkg", "src", "lib", "misc"} {
		if _, err := os.Stat(filepath.Join(goroot, name)); err == nil {
			args = append(args, name)
		}
	}
	if b, err := exec.Command("tar", args...).CombinedOutput(); err != nil {
		t.Fatalf("tar of %s: %v\n%s", goroot, err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// withoutGo is env with no Go toolchain on PATH and no GOROOT, so only the
// Go setup.sh installs can build.
func withoutGo(env []string) []string {
	var kept []string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "GOROOT", "GOTOOLCHAIN":
			continue
		case "PATH":
			var dirs []string
			for _, d := range filepath.SplitList(v) {
				if fi, err := os.Stat(filepath.Join(d, "go")); err != nil || fi.IsDir() {
					dirs = append(dirs, d)
				}
			}
			kv = "PATH=" + strings.Join(dirs, string(filepath.ListSeparator))
		}
		kept = append(kept, kv)
	}
	return kept
}

// checkResults validates results.json against Gradescope's autograder
// specification: a top-level score, optional execution_time, output,
// visibility and stdout_visibility, and tests, each with name, score,
// max_score, status ("passed" or "failed"), output and visibility
// ("hidden", "after_due_date", "after_published" or "visible"). It returns
// the score and the sum of max_score.
func checkResults(t *testing.T, data []byte) (float64, float64) {
	t.Helper()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatalf("results.json is not a JSON object: %v\n%s", err, data)
	}
	allowedTop := []string{"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
	for k := range top {
		if !slices.Contains(allowedTop, k) {
			t.Errorf("results.json: unknown top-level key %q", k)
		}
	}
	visibilities := []string{"hidden", "after_due_date", "after_published", "visible"}
	var r struct {
		Score            *float64 `json:"score"`
		ExecutionTime    *float64 `json:"execution_time"`
		Output           *string  `json:"output"`
		Visibility       *string  `json:"visibility"`
		StdoutVisibility *string  `json:"stdout_visibility"`
		Tests            []map[string]json.RawMessage
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if r.Score == nil {
		t.Fatal("results.json: no score")
	}
	for _, v := range []*string{r.Visibility, r.StdoutVisibility} {
		if v != nil && !slices.Contains(visibilities, *v) {
			t.Errorf("results.json: visibility %q", *v)
		}
	}
	var sum, max float64
	for i, tc := range r.Tests {
		var tt struct {
			Name       string  `json:"name"`
			Score      float64 `json:"score"`
			MaxScore   float64 `json:"max_score"`
			Status     string  `json:"status"`
			Output     string  `json:"output"`
			Visibility string  `json:"visibility"`
		}
		raw, _ := json.Marshal(tc)
		if err := json.Unmarshal(raw, &tt); err != nil {
			t.Errorf("tests[%d]: %v", i, err)
			continue
		}
		for _, k := range []string{"name", "score", "max_score", "status", "output", "visibility"} {
			if _, ok := tc[k]; !ok {
				t.Errorf("tests[%d] has no %s", i, k)
			}
		}
		if tt.Name == "" || !strings.HasPrefix(tt.Name, "Test") {
			t.Errorf("tests[%d]: name %q", i, tt.Name)
		}
		if tt.Status != "passed" && tt.Status != "failed" {
			t.Errorf("tests[%d]: status %q", i, tt.Status)
		}
		if !slices.Contains(visibilities, tt.Visibility) {
			t.Errorf("tests[%d]: visibility %q", i, tt.Visibility)
		}
		if tt.Score < 0 || tt.Score > tt.MaxScore || (tt.Status == "passed") != (tt.Score == tt.MaxScore && tt.MaxScore > 0) {
			t.Errorf("tests[%d]: score %v of %v, status %s", i, tt.Score, tt.MaxScore, tt.Status)
		}
		sum += tt.Score
		max += tt.MaxScore
	}
	if *r.Score != sum {
		t.Errorf("score %v is not the sum of the tests' scores %v", *r.Score, sum)
	}
	return *r.Score, max
}
