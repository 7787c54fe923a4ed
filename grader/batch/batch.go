// Package batch grades many submissions of one exercise in parallel: it
// collects them from a directory or a zip file, selects a shard, shows
// progress, and writes CSV and JSON summaries that shards can be merged from.
package batch

import (
	"archive/zip"

	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gopherlab/gopherlab/grader/grade"
	"github.com/gopherlab/gopherlab/grader/report"
	"github.com/gopherlab/gopherlab/grader/spec"
	"github.com/gopherlab/gopherlab/grader/submission"
)

// Item is one submission of a batch, loaded on demand.
type Item struct {
	Name string
	Load func(pkg string) (*submission.Submission, error)
}

// Collect lists the submissions in a directory (each .go or .ipynb file or
// sub-directory is one) or a zip file (each top-level file or directory is one).
func Collect(p string) ([]Item, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	var items []Item
	if info.IsDir() {
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("batch: %w", err)
		}
		for _, e := range entries {
			if skipName(e.Name()) {
				continue
			}
			full := filepath.Join(p, e.Name())
			items = append(items, Item{Name: e.Name(), Load: func(pkg string) (*submission.Submission, error) {
				return submission.Load(full, pkg)
			}})
		}
	} else if strings.HasSuffix(p, ".zip") {
		if items, err = collectZip(p); err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("batch: %s is neither a directory nor a .zip file", p)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	return items, nil
}

func skipName(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "summary.csv" || name == "summary.json"
}

// Bounds of a class zip, checked from its central directory before
// anything is extracted.
const (
	MaxZipEntries = 10000     // entries
	MaxZipTotal   = 512 << 20 // bytes, uncompressed, all entries together
	MaxZipRatio   = 100       // uncompressed / compressed, for entries over 1 MB
	maxZipFile    = 16 << 20  // bytes, uncompressed, one entry (a notebook's limit)
)

// collectZip checks the class zip from its central directory and lists its
// submissions; the zip is closed again before it returns. Each item reopens
// it when it is graded, reads only its own entries, and refuses an entry
// whose name, size or CRC-32 changed since the check (archive/zip verifies
// the CRC-32 of what it reads), so nothing stays open for the whole batch.
func collectZip(p string) ([]Item, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("batch: %s: not a readable zip file: %w", p, err)
	}
	defer zr.Close()
	if len(zr.File) > MaxZipEntries {
		return nil, fmt.Errorf("batch: %s holds %d entries; the limit is %d", p, len(zr.File), MaxZipEntries)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/max(f.CompressedSize64, 1) > MaxZipRatio {
			return nil, fmt.Errorf("batch: %s: %s would expand %d times (%s from %s); the limit is %d times: a zip bomb?",
				p, f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), submission.Size(int64(f.UncompressedSize64)), submission.Size(int64(f.CompressedSize64)), MaxZipRatio)
		}
	}
	if total > MaxZipTotal {
		return nil, fmt.Errorf("batch: %s would expand to %s; the limit is %s", p, submission.Size(int64(total)), submission.Size(MaxZipTotal))
	}
	entries := map[string][]zip.FileHeader{} // top-level name -> its entries, as checked
	for _, f := range zr.File {
		name := path.Clean(strings.TrimPrefix(f.Name, "/"))
		top, _, _ := strings.Cut(name, "/")
		if f.FileInfo().IsDir() || skipName(top) || name == "." || strings.HasPrefix(name, "..") {
			continue
		}
		entries[top] = append(entries[top], f.FileHeader)
	}
	var items []Item
	for top, hs := range entries {
		items = append(items, Item{Name: top, Load: func(pkg string) (*submission.Submission, error) {
			content, err := readEntries(p, hs)
			if err != nil {
				return nil, err
			}
			if data, ok := content[""]; ok && len(content) == 1 {
				return submission.FromBytes(top, data, pkg)
			}
			return dirFromZip(top, content, pkg)
		}})
	}
	return items, nil
}

// readEntries reopens the zip at p and reads the entries hs (checked by
// collectZip), keyed by their path below the submission's top-level name.
func readEntries(p string, hs []zip.FileHeader) (map[string][]byte, error) {
	for _, h := range hs {
		if h.Mode()&os.ModeSymlink != 0 {
			return nil, fmt.Errorf("submission: %s is a symbolic link; submit the file itself", h.Name)
		}
		if !h.Mode().IsRegular() {
			return nil, fmt.Errorf("submission: %s is not a regular file", h.Name)
		}
	}
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("batch: %s: %w", p, err)
	}
	defer zr.Close()
	byName := make(map[string][]*zip.File, len(zr.File))
	for _, f := range zr.File {
		byName[f.Name] = append(byName[f.Name], f)
	}
	content := map[string][]byte{}
	for _, h := range hs {
		if len(byName[h.Name]) > 1 {
			return nil, fmt.Errorf("submission: %s appears %d times in the zip", h.Name, len(byName[h.Name]))
		}
		var f *zip.File
		if fs := byName[h.Name]; len(fs) == 1 {
			f = fs[0]
		}
		if f == nil || f.CRC32 != h.CRC32 || f.UncompressedSize64 != h.UncompressedSize64 || f.CompressedSize64 != h.CompressedSize64 || f.Mode() != h.Mode() {
			return nil, fmt.Errorf("batch: %s: %s changed since the batch began", p, h.Name)
		}
		data, err := readZip(f)
		if err != nil {
			return nil, err
		}
		_, rest, _ := strings.Cut(path.Clean(strings.TrimPrefix(f.Name, "/")), "/")
		content[rest] = data
	}
	return content, nil
}

// readZip reads one entry through a limit: its declared size may lie.
func readZip(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxZipFile {
		return nil, fmt.Errorf("submission: %s is %s; the limit is %s", f.Name, submission.Size(int64(f.UncompressedSize64)), submission.Size(maxZipFile))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("submission: %s: %w", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fmt.Errorf("submission: %s: %w", f.Name, err)
	}
	if uint64(len(data)) > f.UncompressedSize64 {
		return nil, fmt.Errorf("submission: %s holds more than its zip entry declares: a damaged or forged zip", f.Name)
	}
	return data, nil
}

// dirFromZip is a directory submission from a zip: its top-level .go files, or its one notebook.
func dirFromZip(name string, content map[string][]byte, pkg string) (*submission.Submission, error) {
	s := &submission.Submission{Name: name, Kind: submission.KindDir}
	var notebooks []string
	for p, data := range content {
		switch {
		case strings.Contains(p, "/"):
		case strings.HasSuffix(p, "_test.go"):
			s.Notes = append(s.Notes, "ignored your test file "+p)
		case strings.HasSuffix(p, ".go"):
			s.Files = append(s.Files, submission.File{Name: p, Data: data})
		case strings.HasSuffix(p, ".ipynb"):
			notebooks = append(notebooks, p)
		}
	}
	if len(s.Files) == 0 && len(notebooks) == 1 {
		sub, err := submission.FromBytes(notebooks[0], content[notebooks[0]], pkg)
		if err != nil {
			return nil, err
		}
		sub.Name = name
		return sub, nil
	}
	if len(s.Files) == 0 {
		return nil, fmt.Errorf("submission: %s: no Go files", name)
	}
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Name < s.Files[j].Name })
	return s, nil
}

// Shard is a deterministic subset k of n (1 ≤ k ≤ n) chosen by a hash of the submission name.
type Shard struct{ K, N int }

// ParseShard reads "k/n".
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return Shard{}, fmt.Errorf("batch: shard %q is not k/n with 1 <= k <= n", s)
	}
	return Shard{k, n}, nil
}

// Has reports whether the shard grades the named submission.
func (sh Shard) Has(name string) bool {
	if sh.N <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(name))
	return int(h.Sum32()%uint32(sh.N)) == sh.K-1
}

func (sh Shard) String() string {
	if sh.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", sh.K, sh.N)
}

// Options tune a batch.
type Options struct {
	Jobs     int // parallel submissions; 0: 1
	Grade    grade.Options
	Progress io.Writer // nil: none
	TTY      bool      // progress redraws one line when set, else prints a line per submission
}

// Run grades the items and returns one report per item, in item order. A
// submission that cannot be read or built gets its error report; only
// cancelling ctx stops the batch.
func Run(ctx context.Context, s *spec.Spec, items []Item, o Options) ([]*report.Report, error) {
	jobs := max(o.Jobs, 1)
	if o.Grade.Exclusive == nil {
		o.Grade.Exclusive = &sync.RWMutex{}
	}
	if jobs > 1 && o.Grade.Parallel == 0 {
		o.Grade.Parallel = 1 // the batch's own jobs keep the CPUs busy
	}
	reports := make([]*report.Report, len(items))
	p := &progress{w: o.Progress, tty: o.TTY, total: len(items)}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(jobs, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				reports[i] = gradeItem(ctx, s, items[i], o.Grade)
				p.done(reports[i])
			}
		}()
	}
	for i := range items {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	p.finish()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	return reports, nil
}

// gradeItem grades one item; anything that goes wrong becomes its error report.
func gradeItem(ctx context.Context, s *spec.Spec, it Item, o grade.Options) *report.Report {
	sub, err := it.Load(s.Package)
	if err != nil {
		return grade.Broken(s, it.Name, err)
	}
	sub.Name = it.Name
	r, err := grade.Submission(ctx, s, sub, o)
	if err != nil {
		return grade.Broken(s, it.Name, err)
	}
	return r
}

type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	total int
	n     int
}

func (p *progress) done(r *report.Report) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	score := fmt.Sprintf("%s/%d", strconv.FormatFloat(r.Score, 'f', -1, 64), r.MaxScore)
	if r.Error != "" {
		score += " (error)"
	}
	if !p.tty {
		fmt.Fprintf(p.w, "graded %d/%d %s %s\n", p.n, p.total, r.Submission, score)
		return
	}
	const width = 30
	filled := width * p.n / max(p.total, 1)
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %d/%d %s %s", strings.Repeat("#", filled), strings.Repeat("-", width-filled), p.n, p.total, r.Submission, score)
}

func (p *progress) finish() {
	if p.w != nil && p.tty && p.n > 0 {
		fmt.Fprintln(p.w)
	}
}

// Summary is the JSON summary of a batch (or of merged shards).
type Summary struct {
	Schema   string           `json:"schema"`
	Exercise string           `json:"exercise"`
	Shards   []string         `json:"shards,omitempty"`
	Reports  []*report.Report `json:"reports"`
}

// SummarySchema versions the summary format.
const SummarySchema = "gopherlab-grade-summary/v1"

// NewSummary wraps the reports of one batch.
func NewSummary(exercise string, sh Shard, reports []*report.Report) *Summary {
	s := &Summary{Schema: SummarySchema, Exercise: exercise, Reports: reports}
	if sh.String() != "" {
		s.Shards = []string{sh.String()}
	}
	return s
}

// WriteJSON writes the summary.
func (s *Summary) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	return nil
}

// WriteCSV writes one row per submission: name, score, maximum, error, the
// tests that passed only some of their runs (for instructor review), then each test's verdict.
func (s *Summary) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	var tests []string
	if len(s.Reports) > 0 {
		for _, t := range s.Reports[0].Tests {
			tests = append(tests, t.Name)
		}
	}
	if err := cw.Write(append([]string{"submission", "score", "max_score", "error", "flaky"}, tests...)); err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	for _, r := range s.Reports {
		var flaky []string
		for _, t := range r.Tests {
			if t.Flaky {
				flaky = append(flaky, t.Name)
			}
		}
		row := []string{r.Submission, strconv.FormatFloat(r.Score, 'f', -1, 64), strconv.Itoa(r.MaxScore), r.Error, strings.Join(flaky, " ")}
		for _, t := range r.Tests {
			row = append(row, t.Verdict)
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("batch: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("batch: %w", err)
	}
	return nil
}

// ReadSummary reads a JSON summary.
func ReadSummary(r io.Reader) (*Summary, error) {
	var s Summary
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("batch: summary: %w", err)
	}
	if s.Schema != SummarySchema {
		return nil, fmt.Errorf("batch: summary schema %q, want %q", s.Schema, SummarySchema)
	}
	return &s, nil
}

// Merge combines shard summaries of the same exercise; a submission graded in two shards is an error.
func Merge(parts ...*Summary) (*Summary, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("batch: merge: no summaries")
	}
	out := &Summary{Schema: SummarySchema, Exercise: parts[0].Exercise}
	seen := map[string]bool{}
	for _, p := range parts {
		if p.Exercise != out.Exercise {
			return nil, fmt.Errorf("batch: merge: summaries of %s and %s", out.Exercise, p.Exercise)
		}
		out.Shards = append(out.Shards, p.Shards...)
		for _, r := range p.Reports {
			if seen[r.Submission] {
				return nil, fmt.Errorf("batch: merge: %s graded twice", r.Submission)
			}
			seen[r.Submission] = true
			out.Reports = append(out.Reports, r)
		}
	}
	sort.Slice(out.Reports, func(i, j int) bool { return out.Reports[i].Submission < out.Reports[j].Submission })
	sort.Strings(out.Shards)
	return out, nil
}
