package spacesig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/authplay/authplay/flows"
)

// Sign computes the headers an application expects from Space's
// signing-key method, for people testing their own endpoint.
func Sign(key flows.Secret, body []byte, at time.Time) (http.Header, error) {
	if key == "" {
		return nil, errors.New("the signing key is empty")
	}
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(key.Reveal()))
	mac.Write([]byte(ts + ":"))
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Space-Timestamp", ts)
	h.Set("X-Space-Signature", hex.EncodeToString(mac.Sum(nil)))
	return h, nil
}
