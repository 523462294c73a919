package spacetest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Headers Space puts on the requests it sends to an application's endpoint.
const (
	HeaderTimestamp          = "X-Space-Timestamp"
	HeaderSignature          = "X-Space-Signature"
	HeaderPublicKeySignature = "X-Space-Public-Key-Signature"
)

// Tamper says how SendToEndpoint should break a request on purpose, so a
// learner sees each way verification fails.
type Tamper string

const (
	TamperNone     Tamper = ""
	TamperWrongKey Tamper = "wrong-key" // signed with a key that is not the app's
	TamperBody     Tamper = "altered-body"
	TamperStale    Tamper = "stale-timestamp"   // ten minutes old
	TamperSeconds  Tamper = "seconds-timestamp" // seconds where Space sends milliseconds
)

// Tampers lists every way to break a request.
func Tampers() []Tamper {
	return []Tamper{TamperWrongKey, TamperBody, TamperStale, TamperSeconds}
}

// SignedHeaders computes Space's headers for body at the given time:
// X-Space-Signature is lowercase hex HMAC-SHA256 with the app's signing key,
// X-Space-Public-Key-Signature base64 RSA PKCS#1 v1.5 SHA-512 with the
// server's key, both over "<timestamp>:<raw body>" (space-oauth.md §9).
func (s *Server) SignedHeaders(clientID string, body []byte, at time.Time) (http.Header, error) {
	s.mu.Lock()
	app := s.apps[clientID]
	s.mu.Unlock()
	if app == nil || app.SigningKey == "" {
		return nil, fmt.Errorf("application %q has no signing key", clientID)
	}
	key, err := s.keys.get()
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	return signHeaders(app.SigningKey, key, ts, body)
}

func signHeaders(signingKey string, key *rsa.PrivateKey, ts string, body []byte) (http.Header, error) {
	msg := append([]byte(ts+":"), body...)
	mac := hmac.New(sha256.New, []byte(signingKey))
	mac.Write(msg)
	digest := sha512.Sum512(msg)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA512, digest[:])
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, hex.EncodeToString(mac.Sum(nil)))
	h.Set(HeaderPublicKeySignature, base64.StdEncoding.EncodeToString(sig))
	return h, nil
}

// SendToEndpoint posts body to an application's endpoint the way Space
// does, signed by both methods, or broken as tamper asks.
func (s *Server) SendToEndpoint(ctx context.Context, endpoint, clientID string, body []byte, tamper Tamper) (*http.Response, error) {
	at := s.now()
	if tamper == TamperStale {
		at = at.Add(-10 * time.Minute)
	}
	h, err := s.SignedHeaders(clientID, body, at)
	if err != nil {
		return nil, err
	}
	switch tamper {
	case TamperWrongKey:
		other, err := strangerKey()
		if err != nil {
			return nil, err
		}
		if h, err = signHeaders("not-the-signing-key", other, h.Get(HeaderTimestamp), body); err != nil {
			return nil, err
		}
	case TamperBody:
		body = append(bytes.Clone(body), ' ')
	case TamperSeconds:
		sec := strconv.FormatInt(at.Unix(), 10)
		s.mu.Lock()
		sk := s.apps[clientID].SigningKey
		s.mu.Unlock()
		key, err := s.keys.get()
		if err != nil {
			return nil, err
		}
		if h, err = signHeaders(sk, key, sec, body); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Space (authplay built-in server)")
	return http.DefaultClient.Do(req)
}

var stranger struct {
	once sync.Once
	key  *rsa.PrivateKey
	err  error
}

// strangerKey is a key no server uses, made once per process.
func strangerKey() (*rsa.PrivateKey, error) {
	stranger.once.Do(func() { stranger.key, stranger.err = rsa.GenerateKey(rand.Reader, keyBits) })
	return stranger.key, stranger.err
}

// ChatMessagePayload is a sample of what Space sends when a user writes to a
// chat bot, for the endpoint-verification demo.
func ChatMessagePayload(clientID string) []byte {
	return []byte(`{"className":"ChatMessageCreatedEvent","clientId":"` + clientID + `","userId":"` + demoUserID +
		`","message":{"messageId":"msg-1","channelId":"ch-1","body":{"className":"ChatMessage.Text","text":"hello, bot"},"createdTime":"2026-11-22T10:00:00Z"}}`)
}
