package spacetest

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// These tests count what the server holds, which only the package can see.

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"[^>]*><input type="hidden" name="csrf" value="([^"]+)"`)

func authQuery(state string) string {
	return url.Values{
		"response_type": {"code"}, "client_id": {DemoClientID}, "redirect_uri": {"http://127.0.0.1:5/callback"},
		"state": {state}, "scope": {"**"},
	}.Encode()
}

// signInForm fetches /oauth/auth and returns its sign-in form.
func signInForm(t *testing.T, c *http.Client, s *Server, state string) url.Values {
	t.Helper()
	resp, err := c.Get(s.URL + "/oauth/auth?" + authQuery(state))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := requestField.FindStringSubmatch(string(body))
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("no sign-in form (HTTP %d):\n%s", resp.StatusCode, body)
	}
	return url.Values{"request": {m[1]}, "csrf": {m[2]}, "username": {DemoUsername}, "password": {DemoPassword}}
}

func postStatus(t *testing.T, c *http.Client, u string, form url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(body)
}

func (s *Server) held() (pending, sessions, codes, devices int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending.len(), s.sessions.len(), s.codes.len(), s.devices.len()
}

func TestTwentyThousandUnfinishedAuthorizationsHoldOnlyTheCap(t *testing.T) {
	s := Start(t)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer c.CloseIdleConnections()
	oldest := signInForm(t, c, s, "first")
	const total, workers = 20_000, 8
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) < total-1 {
				resp, err := c.Get(s.URL + "/oauth/auth?" + authQuery("flood"))
				if err != nil {
					failed.Add(1)
					return
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck
				resp.Body.Close()
				if resp.StatusCode != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of the requests failed", failed.Load())
	}
	newest := signInForm(t, c, s, "last")
	if pending, _, _, _ := s.held(); pending != defaultMaxEntries {
		t.Fatalf("after %d unfinished authorizations the server holds %d; want the cap, %d", total, pending, defaultMaxEntries)
	}
	// The newest still works; the oldest was let go, and says so.
	if st, body := postStatus(t, c, s.URL+"/oauth/login", newest); st != 200 || !strings.Contains(body, `id="accept"`) {
		t.Fatalf("the newest authorization: HTTP %d\n%s", st, body)
	}
	if st, body := postStatus(t, c, s.URL+"/oauth/login", oldest); st != 400 || !strings.Contains(body, "stale") {
		t.Fatalf("the oldest authorization: HTTP %d\n%s", st, body)
	}
}

func TestEverySortOfPerRequestEntryIsCapped(t *testing.T) {
	const limit = 50
	s := Start(t, func(c *config) { c.maxEntries = limit })
	c := &http.Client{}
	defer c.CloseIdleConnections()
	for i := range 3 * limit {
		// Each sign-in on the device page opens a browser session; each
		// device authorization holds a device code; each approval a code.
		if st, _ := postStatus(t, c, s.URL+"/device", url.Values{"user_code": {"NONE-NONE"}, "username": {"demo"}, "password": {"demo"}, "decision": {"accept"}}); st != 200 {
			t.Fatalf("device page sign-in %d: HTTP %d", i, st)
		}
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/device", strings.NewReader("scope=%2A%2A"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(DemoClientID, DemoClientSecret)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("device authorization %d: HTTP %d", i, resp.StatusCode)
		}
		if _, err := s.ApproveAuthorization(s.URL+"/oauth/auth?"+authQuery("x"), DemoUsername, true); err != nil {
			t.Fatal(err)
		}
	}
	if _, sessions, codes, devices := s.held(); sessions != limit || codes != limit || devices != limit {
		t.Fatalf("after %d of each: %d sessions, %d codes, %d device codes; want %d of each", 3*limit, sessions, codes, devices, limit)
	}
}

type steppedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *steppedClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *steppedClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestPerRequestEntriesExpire(t *testing.T) {
	clock := &steppedClock{t: time.Now()}
	s := Start(t, WithClock(clock.now))
	c := &http.Client{}
	defer c.CloseIdleConnections()
	form := signInForm(t, c, s, "early")
	postStatus(t, c, s.URL+"/device", url.Values{"user_code": {"NONE-NONE"}, "username": {"demo"}, "password": {"demo"}})
	if _, err := s.ApproveAuthorization(s.URL+"/oauth/auth?"+authQuery("x"), DemoUsername, true); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/device", strings.NewReader("scope=%2A%2A"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DemoClientID, DemoClientSecret)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
	}
	if p, ss, cd, dv := s.held(); p != 1 || ss != 1 || cd != 1 || dv != 1 {
		t.Fatalf("held %d %d %d %d; want one of each", p, ss, cd, dv)
	}
	// Pending authorizations live ten minutes, as device codes do.
	clock.add(defaultPendingTTL + time.Second)
	if st, body := postStatus(t, c, s.URL+"/oauth/login", form); st != 400 || !strings.Contains(body, "stale") {
		t.Fatalf("a sign-in form older than %v: HTTP %d\n%s", defaultPendingTTL, st, body)
	}
	// Past every lifetime, the next entry of each kind sweeps out the old one.
	clock.add(defaultSessionTTL)
	signInForm(t, c, s, "late")
	postStatus(t, c, s.URL+"/device", url.Values{"user_code": {"NONE-NONE"}, "username": {"demo"}, "password": {"demo"}})
	if _, err := s.ApproveAuthorization(s.URL+"/oauth/auth?"+authQuery("x"), DemoUsername, true); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest(http.MethodPost, s.URL+"/oauth/device", strings.NewReader("scope=%2A%2A"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DemoClientID, DemoClientSecret)
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
	}
	if p, ss, cd, dv := s.held(); p != 1 || ss != 1 || cd != 1 || dv != 1 {
		t.Fatalf("held %d %d %d %d after every lifetime passed; want only the new one of each", p, ss, cd, dv)
	}
}
