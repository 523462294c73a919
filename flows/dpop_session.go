package flows

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/termsafe"
)

// DPoPState is a session's DPoP: the thumbprint of its key, and the latest
// nonce each server gave. The private key is in memory only (Key, never
// JSON): whoever keeps the session keeps the key apart from it (the store,
// in a 0600 file of its own), so nothing that writes a State down (a
// session record, a report, an export) can hold it.
type DPoPState struct {
	JKT string `json:"jkt"` // RFC 7638 thumbprint of the session's key
	// Nonces are the latest DPoP-Nonce of each server, by nonceServer:
	// a token endpoint's and an API's are kept apart (RFC 9449 §8, §9).
	Nonces map[string]string `json:"nonces,omitempty"`
	Key    *DPoPKey          `json:"-"`
	// KeyTrouble says why Key is nil, when the one who loads the session
	// could not read the key.
	KeyTrouble string `json:"-"`
}

// dpopMethods get tokens at the token endpoint or use one at an API, so
// a proof can go with them; the implicit flow's tokens come through the
// browser, where no proof can be sent, and cannot be bound.
func dpopMethod(m Method) bool { return m != Implicit }

// startDPoP makes a new session's key, when the session binds its tokens.
func startDPoP(m Method, p Params) *DPoPState {
	if !p.DPoP || !dpopMethod(m) {
		return nil
	}
	key, err := NewDPoPKey()
	if err != nil {
		return &DPoPState{KeyTrouble: "no key could be made: " + err.Error()}
	}
	return &DPoPState{JKT: key.Thumbprint(), Key: key}
}

// withNonce is a copy that keeps nonce for server: the State a caller
// holds is never changed under it.
func (d *DPoPState) withNonce(server, nonce string) *DPoPState {
	c := *d
	c.Nonces = map[string]string{}
	for k, v := range d.Nonces {
		c.Nonces[k] = v
	}
	c.Nonces[server] = nonce
	return &c
}

// provesPossession says whether a request of this purpose carries a
// proof: every request to the token endpoint, and every use of the access
// token (RFC 9449 §5, §7). Introspection, revocation and the device
// authorization request authenticate the client instead.
func provesPossession(p Purpose) bool {
	return slices.Contains([]Purpose{PurposeToken, PurposeRefresh, PurposePoll, PurposeAPI}, p)
}

// nonceServer names the server a nonce belongs to: the origin, and
// whether it is the authorization server or a resource, which RFC 9449
// keeps apart (§8, §9) even on one host.
func nonceServer(req Request) string {
	role := "token endpoint"
	if req.Purpose == PurposeAPI {
		role = "resource"
	}
	u, err := url.Parse(req.URL)
	if err != nil {
		return role
	}
	return u.Scheme + "://" + u.Host + " " + role
}

// presentedToken is the access token an API request carries, for ath.
func presentedToken(req Request) string {
	if req.Purpose != PurposeAPI {
		return ""
	}
	_, tok, ok := strings.Cut(req.Header.Get("Authorization"), " ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(tok)
}

// dpopRun is what DPoP did during one step, for its telling and for the
// explanation of a refusal.
type dpopRun struct {
	proofs    int    // proofs authplay signed and sent
	api       bool   // a proof went with an access token
	respected bool   // a DPoP header of the person's edit, sent as it was
	asked     int    // answers of use_dpop_nonce
	retried   bool   // sent again with the server's nonce
	badNonce  string // why the server's DPoP-Nonce could not be used
	nonceRole string // "token endpoint" or "resource"
	lastProof string // the last proof sent, for a stale one's age
	bound     bool   // the server bound the tokens to this session's key
}

func (b *base) dpopRun() *dpopRun {
	if b.run == nil {
		b.run = &dpopRun{}
	}
	return b.run
}

// dpopFinisher signs a fresh proof into each request that needs one.
type dpopFinisher struct{ b *base }

// finish adds a proof made now for this request as it will be sent (after
// any edit). A proof this session's key signed, say the one a preview
// showed, is made again; a DPoP header signed by anything else is the
// person's, and goes as it is.
func (f dpopFinisher) finish(env Env, req *Request) error {
	d := f.b.st.DPoP
	if d == nil || !provesPossession(req.Purpose) {
		return nil
	}
	if have := req.Header.Get("DPoP"); have != "" && (d.Key == nil || !d.Key.signed(have)) {
		f.b.dpopRun().respected = true
		f.b.dpopRun().lastProof = have
		return nil
	}
	if d.Key == nil {
		return keyNotAtHand(d)
	}
	tok := presentedToken(*req)
	proof, err := d.Key.Proof(req.Method, req.URL, tok, d.Nonces[nonceServer(*req)], env.now())
	if err != nil {
		return &settingError{msg: err.Error()}
	}
	req.Header.Set("DPoP", proof)
	run := f.b.dpopRun()
	run.proofs++
	run.api = run.api || tok != ""
	run.lastProof = proof
	return nil
}

// keyNotAtHand is the error of a DPoP session whose key is missing: it
// was not kept, or could not be read back.
func keyNotAtHand(d *DPoPState) error {
	why := d.KeyTrouble
	if why == "" {
		why = "it was not kept with the session"
	}
	return settingMissing("this session binds its tokens to a DPoP key, and the key is not at hand (%s); its tokens work only with that key, so start a new run to get new ones", why)
}

// answered keeps the nonce a server sends (RFC 9449 §8.2: any answer may
// bring the next one), and asks for one more sending when the server
// refused for want of a nonce and gave one. A proof the person wrote is
// not signed again, so it is not sent again either.
func (f dpopFinisher) answered(sent Request, resp *http.Response) bool {
	d := f.b.st.DPoP
	if d == nil || !provesPossession(sent.Purpose) {
		return false
	}
	run := f.b.dpopRun()
	run.nonceRole = "token endpoint"
	if sent.Purpose == PurposeAPI {
		run.nonceRole = "resource"
	}
	nonce := resp.Header.Get("DPoP-Nonce")
	if nonce != "" {
		if err := checkNonce(nonce); err != nil {
			run.badNonce = err.Error()
			nonce = ""
		} else {
			f.b.st.DPoP = d.withNonce(nonceServer(sent), nonce)
		}
	}
	if !askedForNonce(sent.Purpose, resp) {
		return false
	}
	run.asked++
	switch {
	case run.respected:
		return false
	case nonce == "":
		return false
	case run.asked > 1:
		return false
	}
	run.retried = true
	return true
}

// askedForNonce says whether the answer is use_dpop_nonce: an error in
// the token endpoint's JSON (RFC 9449 §8), or a DPoP challenge of a
// resource (§9).
func askedForNonce(p Purpose, resp *http.Response) bool {
	if p == PurposeAPI {
		ch, ok := dpopChallenge(resp.Header.Values("WWW-Authenticate"))
		return ok && resp.StatusCode == http.StatusUnauthorized && ch.Params["error"] == "use_dpop_nonce"
	}
	if resp.StatusCode != http.StatusBadRequest {
		return false
	}
	var e struct {
		Error string `json:"error"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return json.Unmarshal(body, &e) == nil && e.Error == "use_dpop_nonce"
}

// presentToken writes how an API request carries the access token: the
// DPoP scheme for a DPoP-bound token, Bearer otherwise (RFC 9449 §7.1).
func presentToken(req *Request, tok Secret, tokenType string) {
	if req.Header == nil {
		return
	}
	if boundToKey(tok) != "" || strings.EqualFold(tokenType, "DPoP") {
		req.Header.Set("Authorization", "DPoP "+tok.Reveal())
	}
}

// boundToKey is the cnf.jkt a JWT access token names, if any: the key
// thumbprint a server bound it to (RFC 9449 §6.1).
func boundToKey(tok Secret) string { return confirmation(tok, "jkt") }

// confirmation is one member of a JWT access token's cnf claim (RFC 7800),
// made safe to show; "" for an opaque token or a member it lacks. DPoP
// binds by jkt, mutual TLS by x5t#S256.
func confirmation(tok Secret, member string) string {
	if !jwtcheck.LooksLikeJWT(tok.Reveal()) {
		return ""
	}
	j, err := jwtcheck.Decode(tok.Reveal())
	if err != nil {
		return ""
	}
	cnf, _ := j.Claims["cnf"].(map[string]any)
	v, _ := cnf[member].(string)
	return termsafe.Line(v)
}

// checkBinding tells what a token response says about binding: the
// server bound the tokens (token_type DPoP) to this session's key, to a
// key of the person's edit, or ignored the proof.
func (b *base) checkBinding(tok *Token) {
	d := b.st.DPoP
	dpop := strings.EqualFold(tok.TokenType, "DPoP")
	switch {
	case dpop && d == nil:
		tok.Notes = append(tok.Notes, "The server issued a DPoP-bound token (token_type DPoP), but this session has DPoP off and holds no key: the token works only with proofs by the key it is bound to. Turn DPoP on and run the flow again. [RFC 9449 §5]")
	case dpop && b.run != nil && b.run.respected:
		tok.Notes = append(tok.Notes, "The token is bound to the key of the proof you wrote, not to this session's key: authplay cannot use it at an API. [RFC 9449 §5]")
	case dpop:
		b.dpopRun().bound = true
	case d != nil && b.run != nil && b.run.proofs > 0:
		tok.Notes = append(tok.Notes, "The server ignored the DPoP proof and issued a plain Bearer token: it does not do DPoP, or not for this client. Whoever holds this token can use it. [RFC 9449 §5]")
	}
}
