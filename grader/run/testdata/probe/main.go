// Command probe stands in for a test binary in the run package's tests: it
// prints the network interfaces it sees and its working directory's entries,
// with -test.run=^TestHang$ ignores its timeout and hangs, and with
// -test.run=^TestAlloc$ allocates memory until it is killed.
package main

import (
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

func main() {
	ifaces, _ := net.Interfaces()
	for _, i := range ifaces {
		fmt.Println("iface", i.Name)
	}
	entries, _ := os.ReadDir(".")
	fmt.Println("entries", len(entries))
	fmt.Println("gomaxprocs", os.Getenv("GOMAXPROCS"))
	for _, a := range os.Args[1:] {
		if strings.Contains(a, "TestHang") {
			select {}
		}
		if strings.Contains(a, "TestAlloc") {
			var keep [][]byte
			for {
				b := make([]byte, 16<<20)
				for i := range b {
					b[i] = 1
				}
				keep = append(keep, b)
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
}
