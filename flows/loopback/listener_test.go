package loopback_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
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

func post(t *testing.T, u, contentType, body string) (int, string) {
	t.Helper()
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// response_mode=form_post: the server's page POSTs a form to the redirect
// URI. The listener takes it only when a form post was asked for, checks
// the state as for any redirect, and answers with a page, since the
// browser navigated there.
func TestLoopbackFormPost(t *testing.T) {
	lb := loopback.New()
	defer lb.CloseAll()
	uri, err := lb.Prepare("http://127.0.0.1:0/cb", loopback.Expect{State: "s1", FormPost: true})
	if err != nil {
		t.Fatal(err)
	}
	const form = "application/x-www-form-urlencoded"
	if st, _ := post(t, uri, "text/plain", "code=c&state=s1"); st != http.StatusMethodNotAllowed {
		t.Errorf("a text/plain post where a form post was asked for: %d", st)
	}
	if st, body := post(t, uri, form, "code=c&state=forged"); st != 400 || !strings.Contains(body, "keeps waiting") {
		t.Errorf("a forged form post: %d %s", st, body)
	}
	if st, body := post(t, uri, form+"; charset=utf-8", "code=c&state=s1&id_token=x.y.z"); st != 200 || !strings.Contains(body, "received the authorization response") {
		t.Fatalf("the form post: %d %s", st, body)
	}
	r, err := lb.Wait(context.Background(), uri)
	if err != nil || r.Params.Get("code") != "c" || r.Params.Get("id_token") != "x.y.z" || r.Mode != "form_post" || r.Rejected != 1 {
		t.Fatalf("%+v %v", r, err)
	}
	// A form post where none was asked for (a fragment is expected) is refused.
	frag, _ := lb.Prepare("http://127.0.0.1:0/cb", loopback.Expect{State: "s2", Fragment: true})
	if st, _ := post(t, frag, form, "code=c&state=s2"); st != http.StatusMethodNotAllowed {
		t.Errorf("a form post to a fragment listener: %d", st)
	}
}

// Verify's refusal hands the redirect over (the flow fails with the
// reason, no better one will come) and tells the browser, instead of "done".
func TestLoopbackVerifyRefusal(t *testing.T) {
	lb := loopback.New()
	defer lb.CloseAll()
	verify := func(q url.Values) error {
		if q.Get("iss") != "https://as.example" {
			return errors.New("the answer names another issuer")
		}
		return nil
	}
	uri, _ := lb.Prepare("http://127.0.0.1:0/cb", loopback.Expect{State: "s", Verify: verify})
	if st, body := get(t, uri+"?code=c&state=s&iss=https://evil.example"); st != 400 || !strings.Contains(body, "another issuer") || !strings.Contains(body, "refused") {
		t.Errorf("refused answer: %d %s", st, body)
	}
	if r, err := lb.Wait(context.Background(), uri); err != nil || r.Params.Get("iss") != "https://evil.example" {
		t.Errorf("the refused answer was not handed over: %+v %v", r, err)
	}
	ok, _ := lb.Prepare("http://127.0.0.1:0/cb", loopback.Expect{State: "s", Verify: verify})
	if err := lb.Paste(ok, "http://127.0.0.1/cb?code=c&state=s&iss=https://as.example"); err != nil {
		t.Errorf("a pasted answer that passes: %v", err)
	}
}

func TestParseRedirectURLTakesAnIDTokenAlone(t *testing.T) {
	q, err := loopback.ParseRedirectURL("http://127.0.0.1:5/cb#id_token=a.b.c&state=s")
	if err != nil || q.Get("id_token") != "a.b.c" {
		t.Fatalf("%v %v", q, err)
	}
}
