package loopback_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/loopback"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestLoopbackListenerRules(t *testing.T) {
	lb := loopback.New()
	defer lb.CloseAll()
	for _, bad := range []string{"https://127.0.0.1/cb", "http://example.com/cb", "http://10.0.0.1:80/cb", "::not a url"} {
		if _, err := lb.Prepare(bad, loopback.Expect{State: "s"}); err == nil {
			t.Errorf("%s was accepted as a redirect URI", bad)
		}
	}
	uri, err := lb.Prepare("http://localhost:0/callback", loopback.Expect{State: "s1"})
	if err != nil || !strings.HasPrefix(uri, "http://localhost:") || strings.HasSuffix(uri, ":0/callback") {
		t.Fatalf("%s %v", uri, err)
	}
	base := strings.Replace(uri, "localhost", "127.0.0.1", 1)
	if st, body := get(t, strings.TrimSuffix(base, "/callback")+"/elsewhere?code=c&state=s1"); st != 404 || !strings.Contains(body, "/callback") {
		t.Fatalf("wrong path: %d", st)
	}
	if st, body := get(t, base+"?code=c"); st != 400 || !strings.Contains(body, "no state") {
		t.Fatalf("missing state: %d %s", st, body)
	}
	if st, _ := get(t, base+"?code=c&state=s1"); st != 200 {
		t.Fatalf("the real redirect: %d", st)
	}
	if st, body := get(t, base+"?code=c2&state=s1"); st != 400 || !strings.Contains(body, "already received") {
		t.Fatalf("second use: %d %s", st, body)
	}
	r, err := lb.Wait(context.Background(), uri)
	if err != nil || r.Params.Get("code") != "c" || r.Rejected != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	// A port already taken is named, with what to do.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, err = lb.Prepare("http://"+busy.Addr().String()+"/cb", loopback.Expect{})
	if err == nil || !strings.Contains(err.Error(), "in use") || !strings.Contains(err.Error(), "port 0") {
		t.Fatalf("port in use: %v", err)
	}
	// IPv6 loopback, where the machine has it.
	if ln, err := net.Listen("tcp", "[::1]:0"); err == nil {
		ln.Close()
		if _, err := lb.Prepare("http://[::1]:0/cb", loopback.Expect{}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := lb.Wait(ctx, "http://127.0.0.1:1/none"); err == nil {
		t.Fatal("waiting on a URI nobody listens on succeeded")
	}
}
