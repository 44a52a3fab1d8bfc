package web

import (
	"net"
	"strings"
	"testing"
)

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:8765": true, "localhost:8765": true, "[::1]:8765": true, "127.9.9.9": true, "localhost": true,
		"127.0.0.1.nip.io:8765": false, "localhost.evil.example:8765": false, "evil.example": false,
		"0.0.0.0:8765": false, "[::]:8765": false, "192.168.1.5:8765": false, "": false, "[::ffff:7f00:1]:80": true,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v; want %v", host, got, want)
		}
	}
}

// FuzzLoopbackHost: whatever a Host header holds, it is taken for loopback only when its name
// is localhost or a loopback address.
func FuzzLoopbackHost(f *testing.F) {
	for _, s := range []string{"127.0.0.1:8765", "localhost", "[::1]:1", "127.0.0.1.evil:1", "LOCALHOST:1", "%31%32%37.0.0.1", "127.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, hostport string) {
		if !loopbackHost(hostport) {
			return
		}
		host, _, err := net.SplitHostPort(hostport)
		if err != nil {
			host = hostport
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			t.Fatalf("%q taken for loopback", hostport)
		}
		if strings.ContainsAny(host, "/?#@") {
			t.Fatalf("%q taken for loopback", hostport)
		}
	})
}
