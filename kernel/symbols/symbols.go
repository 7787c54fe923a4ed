// Package symbols holds the yaegi symbol tables that cells can import:
// the standard library of the Go version that builds the kernel,
// golang.org/x/sync (errgroup, semaphore, singleflight), golang.org/x/time/rate
// and the project's packages meant for cells.
//
// The tables are generated; run `go generate ./kernel/symbols` after a Go
// upgrade (it takes about two minutes). Generic functions and types cannot
// be extracted (they have no single compiled form); kernel/cell handles
// them (see its doc). Cost, measured with Go 1.26: compiling this package
// takes ~15 s when its dependencies are built, and a binary with yaegi and
// these tables is ~21 MB larger than one with yaegi alone (8 MB -> 29 MB).
//
// The tables are built on first use, not when the binary starts: the kernel
// process runs the same binary as the worker but never runs a cell, and
// built at start they were 0.7 MB of its heap (1,900 allocations). The last
// generate step, internal/lazytables, turns the init functions that yaegi
// extract writes into ones that only register a builder in tables.
package symbols

import (
	"reflect"
	"sync"
)

// Symbols returns the tables: a map from "importpath/pkgname" to the
// package's exported symbols, in the form yaegi's interp.Use expects. The
// first call builds them (about 3 ms); every call returns the same map,
// which callers must not modify.
func Symbols() map[string]map[string]reflect.Value { return built() }

var built = sync.OnceValue(func() map[string]map[string]reflect.Value {
	m := make(map[string]map[string]reflect.Value, len(tables))
	for _, add := range tables {
		add(m)
	}
	return m
})

// tables holds one builder per generated file (and maptypes.go), which
// adds that file's table to the map Symbols returns. Init functions
// register them; only Symbols calls them.
var tables []func(into map[string]map[string]reflect.Value)

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract archive/tar archive/zip bufio bytes cmp compress/bzip2 compress/flate compress/gzip compress/lzw compress/zlib container/heap container/list
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract container/ring context crypto crypto/aes crypto/cipher crypto/des crypto/dsa crypto/ecdh crypto/ecdsa crypto/ed25519 crypto/elliptic crypto/fips140
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract crypto/hkdf crypto/hmac crypto/hpke crypto/md5 crypto/mlkem crypto/pbkdf2 crypto/rand crypto/rc4 crypto/rsa crypto/sha1 crypto/sha256 crypto/sha3
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract crypto/sha512 crypto/subtle crypto/tls crypto/x509 crypto/x509/pkix database/sql database/sql/driver debug/buildinfo debug/dwarf debug/elf debug/gosym debug/macho
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract debug/pe debug/plan9obj embed encoding encoding/ascii85 encoding/asn1 encoding/base32 encoding/base64 encoding/binary encoding/csv encoding/gob encoding/hex
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract encoding/json encoding/pem encoding/xml errors expvar flag fmt go/ast go/build go/build/constraint go/constant go/doc
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract go/doc/comment go/format go/importer go/parser go/printer go/scanner go/token go/types go/version hash hash/adler32 hash/crc32
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract hash/crc64 hash/fnv hash/maphash html html/template image image/color image/color/palette image/draw image/gif image/jpeg image/png
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract index/suffixarray io io/fs io/ioutil iter log log/slog log/syslog maps math math/big math/bits
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract math/cmplx math/rand math/rand/v2 mime mime/multipart mime/quotedprintable net net/http net/http/cgi net/http/cookiejar net/http/fcgi net/http/httptest
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract net/http/httptrace net/http/httputil net/http/pprof net/mail net/netip net/rpc net/rpc/jsonrpc net/smtp net/textproto net/url os os/exec
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract os/signal os/user path path/filepath reflect regexp regexp/syntax runtime runtime/debug runtime/metrics runtime/pprof runtime/trace
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract slices sort strconv strings structs sync sync/atomic syscall testing testing/fstest testing/iotest testing/quick
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract testing/slogtest text/scanner text/tabwriter text/template text/template/parse time unicode unicode/utf16 unicode/utf8 unique weak
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract golang.org/x/sync/errgroup golang.org/x/sync/semaphore golang.org/x/sync/singleflight golang.org/x/time/rate
// SetSink belongs to the worker, not to cells.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -exclude=^SetSink$ github.com/gopherlab/gopherlab/kernel/display
// cellfmt and panics are for the code kernel/cell generates.
//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract github.com/gopherlab/gopherlab/kernel/cellfmt github.com/gopherlab/gopherlab/kernel/panics
// Make the tables above lazy (see the package doc); this must stay the last step.
//go:generate go run ./internal/lazytables
