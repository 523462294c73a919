package spacesig

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// DefaultWindow is how old a signed request may be. Space documents no
// window; five minutes is what Slack and Stripe use for the same scheme: it
// absorbs clock drift and retries but keeps a captured request from being
// replayed later.
const DefaultWindow = 5 * time.Minute

// Keys is what an application knows to check requests from Space.
type Keys struct {
	SigningKey        flows.Secret        // for X-Space-Signature
	PublicKeys        *jose.JSONWebKeySet // for X-Space-Public-Key-Signature
	VerificationToken flows.Secret        // obsolete body field
	Window            time.Duration
	Now               time.Time
}

// withDefaults fills in the window and the clock when the caller left them
// out.
func (k Keys) withDefaults() Keys {
	if k.Window == 0 {
		k.Window = DefaultWindow
	}
	if k.Now.IsZero() {
		k.Now = time.Now()
	}
	return k
}

// Check is the walk-through of one request's verification.
type Check struct {
	Timestamp string          `json:"timestamp"`
	Signed    string          `json:"signed"` // the exact string the signatures cover, abbreviated
	Verdicts  []flows.Verdict `json:"verdicts"`
	OK        bool            `json:"ok"`
	Method    string          `json:"method,omitempty"` // which method passed
}

// Reason is the first failure, for a one-line report.
func (c Check) Reason() string {
	for _, v := range c.Verdicts {
		if v.Outcome == flows.Fail {
			return v.Check + ": " + v.Detail
		}
	}
	if !c.OK {
		return "no verification method could be applied"
	}
	return ""
}

// Verify checks a request Space sent to an application's endpoint, step by
// step (space-oauth.md §9). Signatures are compared in constant time; the
// signed string is the timestamp, a colon and the raw body bytes, never a
// re-serialised JSON.
func Verify(h http.Header, body []byte, k Keys) Check {
	k = k.withDefaults()
	c := Check{Timestamp: h.Get("X-Space-Timestamp")}
	add := func(check string, o flows.Outcome, format string, a ...any) {
		c.Verdicts = append(c.Verdicts, flows.Verdict{Check: check, Outcome: o, Detail: fmt.Sprintf(format, a...)})
	}
	tsOK := checkTimestamp(c.Timestamp, k, add)
	msg := append([]byte(c.Timestamp+":"), body...)
	c.Signed = wire.Head(string(msg), 120)
	passed := []string{}
	if sig := h.Get("X-Space-Signature"); sig != "" || k.SigningKey != "" {
		if checkHMAC(sig, msg, k.SigningKey, add) {
			passed = append(passed, "signing key")
		}
	}
	if sig := h.Get("X-Space-Public-Key-Signature"); sig != "" || k.PublicKeys != nil {
		if checkPublicKey(sig, msg, k.PublicKeys, add) {
			passed = append(passed, "public key")
		}
	}
	if k.VerificationToken != "" {
		if checkVerificationToken(body, k.VerificationToken, add) {
			passed = append(passed, "verification token")
		}
	}
	failed := false
	for _, v := range c.Verdicts {
		failed = failed || v.Outcome == flows.Fail
	}
	c.OK = tsOK && len(passed) > 0 && !failed
	c.Method = strings.Join(passed, " and ")
	return c
}

func checkTimestamp(ts string, k Keys, add func(string, flows.Outcome, string, ...any)) bool {
	if ts == "" {
		add("timestamp", flows.Fail, "the X-Space-Timestamp header is missing: without it the request cannot be dated, so a replay cannot be told apart")
		return false
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		add("timestamp", flows.Fail, "X-Space-Timestamp is %q, not a whole number of milliseconds", wire.Head(ts, 40))
		return false
	}
	if ms < 100_000_000_000 { // before 1973 in ms, i.e. a time in seconds
		add("timestamp", flows.Fail, "X-Space-Timestamp %s looks like seconds; Space sends milliseconds since 1970 (13 digits)", ts)
		return false
	}
	at := time.UnixMilli(ms)
	age := k.Now.Sub(at)
	switch {
	case age > k.Window:
		add("timestamp", flows.Fail, "the request is dated %s (%s ago); only requests up to %s old are accepted, so an old request cannot be replayed",
			at.Local().Format("15:04:05"), flows.Human(age), flows.Human(k.Window))
		return false
	case age < -k.Window:
		// Not a replay but a clock that disagrees: saying "too old" here
		// would send the person looking for the wrong problem.
		add("timestamp", flows.Fail, "the timestamp is %s in the future: it says %s, while this machine's clock says %s; only %s of difference is accepted, so one of the two clocks is wrong (is time synchronisation running?)",
			flows.Human(age), at.Local().Format("15:04:05"), k.Now.Local().Format("15:04:05"), flows.Human(k.Window))
		return false
	case age < 0:
		add("timestamp", flows.Pass, "dated %s ahead of this machine's clock, within the %s window (clocks a little apart are normal)", flows.Human(age), flows.Human(k.Window))
	default:
		add("timestamp", flows.Pass, "dated %s ago, within the %s window", flows.Human(age), flows.Human(k.Window))
	}
	return true
}

func checkHMAC(sig string, msg []byte, key flows.Secret, add func(string, flows.Outcome, string, ...any)) bool {
	switch {
	case sig == "":
		add("signing key", flows.Fail, "no X-Space-Signature header, though a signing key is configured")
		return false
	case key == "":
		add("signing key", flows.NotApplicable, "X-Space-Signature is present, but no signing key is configured to check it")
		return false
	}
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil || len(got) != sha256.Size {
		add("signing key", flows.Fail, "X-Space-Signature must be 64 hex characters (HMAC-SHA256); it is %d characters%s", len(sig), map[bool]string{true: " and not hex", false: ""}[err != nil])
		return false
	}
	mac := hmac.New(sha256.New, []byte(key.Reveal()))
	mac.Write(msg)
	if !hmac.Equal(got, mac.Sum(nil)) {
		add("signing key", flows.Fail, "HMAC-SHA256 of timestamp:body with the signing key does not match X-Space-Signature: the key is wrong, or the body or timestamp was changed on the way")
		return false
	}
	add("signing key", flows.Pass, "HMAC-SHA256 of timestamp:body with the signing key matches X-Space-Signature")
	return true
}

func checkPublicKey(sig string, msg []byte, keys *jose.JSONWebKeySet, add func(string, flows.Outcome, string, ...any)) bool {
	switch {
	case sig == "":
		add("public key", flows.Fail, "no X-Space-Public-Key-Signature header, though public keys are configured")
		return false
	case keys == nil:
		add("public key", flows.NotApplicable, "X-Space-Public-Key-Signature is present, but Space's public keys were not fetched")
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(sig, "="))
	}
	if err != nil {
		add("public key", flows.Fail, "X-Space-Public-Key-Signature is not base64")
		return false
	}
	digest := sha512.Sum512(msg)
	tried := 0
	for _, jwk := range keys.Keys {
		pub, ok := jwk.Key.(*rsa.PublicKey)
		if !ok {
			continue
		}
		tried++
		if rsa.VerifyPKCS1v15(pub, crypto.SHA512, digest[:], raw) == nil {
			add("public key", flows.Pass, "RSA-SHA512 signature of timestamp:body verifies with Space's key %s", or(jwk.KeyID, "(no kid)"))
			return true
		}
	}
	if tried == 0 {
		add("public key", flows.Fail, "Space's key set has no RSA key")
		return false
	}
	add("public key", flows.Fail, "the RSA-SHA512 signature matches none of Space's %d key(s): the request was not signed by this Space, or its body or timestamp changed", tried)
	return false
}

func checkVerificationToken(body []byte, want flows.Secret, add func(string, flows.Outcome, string, ...any)) bool {
	var p struct {
		VerificationToken string `json:"verificationToken"`
	}
	if err := json.Unmarshal(body, &p); err != nil || p.VerificationToken == "" {
		add("verification token", flows.Fail, "the body has no verificationToken field (new applications never get one: the method is obsolete)")
		return false
	}
	if subtle.ConstantTimeCompare([]byte(p.VerificationToken), []byte(want.Reveal())) != 1 {
		add("verification token", flows.Fail, "verificationToken does not match the configured token")
		return false
	}
	add("verification token", flows.Warn, "verificationToken matches, but this method is obsolete: it proves nothing about the body; switch to the signing key or public key")
	return true
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
