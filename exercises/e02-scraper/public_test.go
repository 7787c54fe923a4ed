package scraper

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestOrderAndStatus is a public check: it ships to learners, and %grade runs it.
// The instructor's hidden tests check the rest.
//
// TestOrderAndStatus runs against a real local HTTP server.
func TestOrderAndStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/500" {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
		time.Sleep(time.Duration(10-n%10) * time.Millisecond) // later pages answer sooner
		w.Write([]byte(strings.Repeat("y", n)))
	}))
	defer srv.Close()

	var in []string
	for _, p := range []string{"/7", "/500", "/1", "/12", "/0", "/3", "/25"} {
		in = append(in, srv.URL+p)
	}
	pages := Scrape(t.Context(), srv.Client(), in, 3, 1000)
	if len(pages) != len(in) {
		t.Fatalf("Scrape returned %d pages for %d URLs", len(pages), len(in))
	}
	for i, p := range pages {
		if p.URL != in[i] {
			t.Errorf("pages[%d].URL = %q, want %q (keep input order)", i, p.URL, in[i])
			continue
		}
		if strings.HasSuffix(p.URL, "/500") {
			if p.Status != 500 || p.Err == nil {
				t.Errorf("%s: Status %d, Err %v; want 500 and an error", p.URL, p.Status, p.Err)
			}
			continue
		}
		n, _ := strconv.Atoi(p.URL[strings.LastIndex(p.URL, "/")+1:])
		if p.Status != 200 || p.Bytes != n || p.Err != nil {
			t.Errorf("%s: got {Status:%d Bytes:%d Err:%v}, want {Status:200 Bytes:%d Err:<nil>}", p.URL, p.Status, p.Bytes, p.Err, n)
		}
	}
}
