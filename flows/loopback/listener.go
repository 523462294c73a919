package loopback

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Listener receives authorization redirects on loopback addresses (RFC 8252
// §7.3), one listener per redirect URI. It lives for the whole program, not
// one step, so a flow waiting for its redirect survives between steps and a
// resumed session re-opens the same address.
type Listener struct {
	mu    sync.Mutex
	byURI map[string]*uriListener
}

// Expect says what a redirect must carry to be accepted, and how it comes.
type Expect struct {
	State    string // the state sent; a redirect without it is refused
	Fragment bool   // the response is in the URL fragment (implicit flow): serve the relay page
	// FormPost: the server's page POSTs the response as a form
	// (response_mode=form_post).
	FormPost bool
	// Verify, when set, judges a redirect whose state matched. Its error
	// does not make the listener wait for another: the redirect is handed
	// over (the flow fails with the reason), and the browser is told why
	// instead of "done". RFC 9207's iss check is one: a state that matches
	// with the wrong issuer is a mix-up, and no better redirect will come.
	Verify func(url.Values) error
}

// Redirect is an accepted authorization response.
type Redirect struct {
	Params url.Values `json:"-"` // holds the code or token: never persisted as is
	Via    string     `json:"via"`
	// Mode is how it arrived: query, fragment (through the relay page),
	// form_post, or pasted.
	Mode     string `json:"mode"`
	Rejected int    `json:"rejected"` // redirects refused before this one (wrong or missing state)
}

type uriListener struct {
	uri      string
	path     string
	srv      *http.Server
	expect   Expect
	ch       chan Redirect
	closed   chan struct{} // closed by Close: a waiter stops waiting
	done     bool
	rejected int
}

// ErrStateMismatch is returned for a pasted URL from another attempt.
var ErrStateMismatch = errors.New("the state in that URL is not the one authplay sent: it answers another attempt (or was forged), so it is ignored")

// New returns an empty set of listeners.
func New() *Listener { return &Listener{byURI: map[string]*uriListener{}} }

// Prepare starts listening for redirectURI (port 0 or none picks a free
// port) and returns the URI with the real port, which is the one to send.
// Preparing a URI that already has a listener only updates what it expects.
func (l *Listener) Prepare(redirectURI string, exp Expect) (string, error) {
	u, err := url.Parse(redirectURI)
	if err != nil {
		return "", fmt.Errorf("redirect URI %q does not parse: %w", redirectURI, err)
	}
	if u.Scheme != "http" {
		return "", fmt.Errorf("redirect URI %q: authplay can receive redirects only at http:// loopback addresses (RFC 8252 §7.3); for other URIs, paste the URL the browser ends on", redirectURI)
	}
	host := u.Hostname()
	bindHost := host
	switch host {
	case "127.0.0.1", "::1":
	case "localhost":
		bindHost = "127.0.0.1" // RFC 8252 §8.3: bind the IP, the name may resolve elsewhere
	default:
		return "", fmt.Errorf("redirect URI %q: host %q is not a loopback address; use 127.0.0.1, [::1] or localhost, or paste the URL the browser ends on", redirectURI, host)
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if u.Port() != "" && u.Port() != "0" {
		if ex := l.byURI[redirectURI]; ex != nil {
			ex.expect, ex.done = exp, false
			return redirectURI, nil
		}
	}
	port := u.Port()
	if port == "" {
		port = "0"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(bindHost, port))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return "", fmt.Errorf("port %s on %s is in use by another program: choose another port in the redirect URI, or port 0 for any free one (if the server accepts any loopback port)", port, bindHost)
		}
		return "", fmt.Errorf("cannot listen on %s: %w", net.JoinHostPort(bindHost, port), err)
	}
	actual := *u
	_, realPort, _ := net.SplitHostPort(ln.Addr().String())
	actual.Host = net.JoinHostPort(host, realPort)
	lst := &uriListener{uri: actual.String(), path: path, expect: exp, ch: make(chan Redirect, 1), closed: make(chan struct{})}
	lst.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { l.serve(lst, w, r) }), ReadHeaderTimeout: 10 * time.Second}
	go lst.srv.Serve(ln) //nolint:errcheck // returns on Close
	l.byURI[lst.uri] = lst
	return lst.uri, nil
}

// Listening reports whether a listener is open for uri.
func (l *Listener) Listening(uri string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byURI[uri] != nil
}

// Wait blocks until an accepted redirect arrives for uri, or ctx ends.
func (l *Listener) Wait(ctx context.Context, uri string) (Redirect, error) {
	l.mu.Lock()
	lst := l.byURI[uri]
	l.mu.Unlock()
	if lst == nil {
		return Redirect{}, fmt.Errorf("no listener is open for %s", uri)
	}
	select {
	case r := <-lst.ch:
		return r, nil
	case <-lst.closed:
		return Redirect{}, ErrListenerClosed
	case <-ctx.Done():
		return Redirect{}, ctx.Err()
	}
}

// ErrListenerClosed ends a wait whose listener was closed (the flow was
// cancelled, or the program is ending).
var ErrListenerClosed = errors.New("the redirect listener was closed before a redirect arrived")

// Paste feeds the URL a browser ended on, for when the browser cannot reach
// this machine (SSH, another computer). It passes the same checks as a
// redirect to the listener.
func (l *Listener) Paste(uri, pasted string) error {
	params, err := ParseRedirectURL(pasted)
	if err != nil {
		return err
	}
	l.mu.Lock()
	lst := l.byURI[uri]
	l.mu.Unlock()
	if lst == nil {
		return fmt.Errorf("nothing is waiting for a redirect to %s", uri)
	}
	_, err = l.accept(lst, params, "pasted", "pasted")
	if _, delivered := handedOver(err); delivered {
		return nil // a refusal by Verify is the flow's to tell
	}
	return err
}

// Close stops the listener for uri.
func (l *Listener) Close(uri string) {
	l.mu.Lock()
	lst := l.byURI[uri]
	delete(l.byURI, uri)
	l.mu.Unlock()
	if lst != nil {
		close(lst.closed)
		// Graceful: the browser that just delivered the redirect still gets its page.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if lst.srv.Shutdown(ctx) != nil {
				lst.srv.Close() //nolint:errcheck
			}
		}()
	}
}

// CloseAll stops every listener.
func (l *Listener) CloseAll() {
	l.mu.Lock()
	uris := make([]string, 0, len(l.byURI))
	for u := range l.byURI {
		uris = append(uris, u)
	}
	l.mu.Unlock()
	for _, u := range uris {
		l.Close(u)
	}
}

// ParseRedirectURL reads the authorization response out of a URL, from the
// query or, for the implicit flow, the fragment. A bare query or fragment
// ("code=...&state=...") is accepted too.
func ParseRedirectURL(raw string) (url.Values, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("the URL is empty")
	}
	if len(raw) > 16<<10 {
		return nil, errors.New("the URL is longer than 16 KiB; that is not an authorization response")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("that is not a URL: %w", err)
	}
	var candidates []string
	if u.Scheme == "" && u.Host == "" && !strings.Contains(raw, "?") && !strings.Contains(raw, "#") {
		candidates = []string{raw}
	} else {
		candidates = []string{u.RawQuery, u.Fragment}
	}
	for _, c := range candidates {
		q, err := url.ParseQuery(c)
		if err != nil {
			continue
		}
		if isResponse(q) {
			return q, nil
		}
	}
	return nil, errors.New("the URL carries no code, access_token, id_token or error: copy the whole address from the browser's address bar after it was sent back")
}

// isResponse says whether parameters are an authorization response.
func isResponse(q url.Values) bool {
	return q.Has("code") || q.Has("access_token") || q.Has("id_token") || q.Has("error")
}

// accept hands a redirect whose state matches to the waiter. A redirect
// that Verify refuses is handed over too, with Verify's error.
func (l *Listener) accept(lst *uriListener, q url.Values, via, mode string) (Redirect, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if lst.done {
		return Redirect{}, errors.New("a redirect was already received for this attempt; each is used once")
	}
	if lst.expect.State != "" && !constantEqual(q.Get("state"), lst.expect.State) {
		lst.rejected++
		if q.Get("state") == "" {
			return Redirect{}, errors.New("the redirect has no state, so authplay cannot tell that it answers its own request; it is ignored")
		}
		return Redirect{}, ErrStateMismatch
	}
	lst.done = true
	r := Redirect{Params: q, Via: via, Mode: mode, Rejected: lst.rejected}
	lst.ch <- r
	if lst.expect.Verify != nil {
		return r, &verifyError{lst.expect.Verify(q)}
	}
	return r, nil
}

// verifyError carries Verify's verdict on a redirect already handed over;
// a nil err inside means it passed.
type verifyError struct{ err error }

func (e *verifyError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

// handedOver splits accept's error: the redirect was handed over (with
// Verify's refusal, if any), or it was refused and the wait goes on.
func handedOver(err error) (refusal error, delivered bool) {
	var ve *verifyError
	if errors.As(err, &ve) {
		return ve.err, true
	}
	return err, err == nil
}

// isFormBody says whether a POST carries an HTML form's body.
func isFormBody(r *http.Request) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")
}

// constantEqual compares a state in constant time, so how long a refusal
// takes says nothing about how much of a guessed state was right.
func constantEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (l *Listener) serve(lst *uriListener, w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != lst.path {
		pageOut(w, http.StatusNotFound, "Not here", "authplay is waiting for the redirect at "+lst.path+", not at "+r.URL.Path+".", false)
		return
	}
	var q url.Values
	mode := "query"
	form := r.Method == http.MethodPost && isFormBody(r)
	switch {
	case form && lst.expect.FormPost:
		// response_mode=form_post: the server's page submits a form here.
		// It comes from the server's origin, not from authplay's own page,
		// so nothing but the state (and the nonce in an ID token) tells
		// it from a forged one; both are checked, as for any redirect.
		mode = "form_post"
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			pageOut(w, http.StatusBadRequest, "Redirect refused", "The posted form could not be read: "+err.Error(), true)
			return
		}
		q = r.PostForm
	case r.Method == http.MethodPost && lst.expect.Fragment && !form:
		mode = "fragment"
		b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		parsed, err := url.ParseQuery(string(b))
		if err != nil {
			http.Error(w, "The fragment could not be read: "+err.Error(), http.StatusBadRequest)
			return
		}
		q = parsed
	case r.Method == http.MethodGet && lst.expect.Fragment && !isResponse(r.URL.Query()):
		// The answer is after the #, which only a page can read.
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, relayPage) //nolint:errcheck
		return
	case r.Method == http.MethodGet:
		// Also when a fragment or a form was asked for: a server that
		// ignores response_mode answers in the query, and an error may
		// come that way too.
		q = r.URL.Query()
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	_, err := l.accept(lst, q, "loopback", mode)
	refusal, delivered := handedOver(err)
	relay := mode == "fragment"
	switch {
	case !delivered && relay:
		http.Error(w, err.Error()+" authplay keeps waiting.", http.StatusBadRequest)
	case !delivered:
		pageOut(w, http.StatusBadRequest, "Redirect refused", err.Error()+" authplay keeps waiting for the real one.", true)
	case refusal != nil && relay:
		http.Error(w, "authplay refused this answer: "+refusal.Error(), http.StatusBadRequest)
	case refusal != nil:
		pageOut(w, http.StatusBadRequest, "Answer refused", refusal.Error()+" authplay stopped this attempt; the terminal says what to do.", true)
	case q.Get("error") != "":
		msg := "The server sent back an error (" + q.Get("error") + "). authplay shows what it means and how to fix it; you can close this tab."
		if relay {
			io.WriteString(w, msg) //nolint:errcheck
			return
		}
		pageOut(w, http.StatusOK, "The server said no", msg, true)
	case relay:
		io.WriteString(w, "authplay received the token. You can close this tab and return to the terminal.") //nolint:errcheck
	default:
		pageOut(w, http.StatusOK, "Done", "authplay received the authorization response. You can close this tab and return to the terminal.", false)
	}
}

// pageHTML is parsed when a page is first served, not at every start.
var pageHTML = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("p").Parse(`<!doctype html><html><head><meta charset="utf-8"><title>authplay · {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;color:#1f2328}h1{font-size:1.2rem}.bad{color:#b3261e}</style></head>
<body><h1 id="title" {{if .Bad}}class="bad"{{end}}>{{.Title}}</h1><p id="status">{{.Msg}}</p></body></html>`))
})

func pageOut(w http.ResponseWriter, status int, title, msg string, bad bool) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	pageHTML().Execute(w, map[string]any{"Title": title, "Msg": msg, "Bad": bad}) //nolint:errcheck
}

// relayPage sends the URL fragment, which browsers never send to servers,
// back to authplay, then wipes it from the address bar and history.
const relayPage = `<!doctype html><html><head><meta charset="utf-8"><title>authplay · receiving</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;color:#1f2328}</style></head>
<body><h1>authplay</h1><p id="status">waiting</p><script>
const frag = location.hash.slice(1);
const status = document.getElementById('status');
history.replaceState(null, '', location.pathname);
if (!frag) {
  status.textContent = 'Nothing arrived: the address has no part after #, where the implicit flow puts the token.';
} else {
  fetch(location.pathname, {method: 'POST', headers: {'Content-Type': 'text/plain'}, body: frag})
    .then(r => r.text()).then(t => { status.textContent = t; })
    .catch(e => { status.textContent = 'Could not reach authplay: ' + e; });
}
</script></body></html>`
