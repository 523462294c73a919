package spacetest_test

import (
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
)

// A client that announces a body and never sends it must not hold a
// connection (and a goroutine) forever.
func TestUnsentBodyIsCutOffByTheReadDeadline(t *testing.T) {
	const readTimeout = 200 * time.Millisecond
	s := spacetest.Start(t, spacetest.WithReadTimeout(readTimeout))
	for _, path := range []string{"/oauth/token", "/oauth/login", "/device"} {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			head := "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4096\r\n\r\ngrant_type="
			if _, err := io.WriteString(conn, head); err != nil {
				t.Fatal(err)
			}
			// Generous against the 200 ms deadline, so a loaded machine passes;
			// without a deadline the server would wait for ever.
			const bound = 10 * time.Second
			conn.SetReadDeadline(time.Now().Add(bound)) //nolint:errcheck
			_, err = io.Copy(io.Discard, conn)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("the server still held the connection after %v", bound)
			}
		})
	}
}
