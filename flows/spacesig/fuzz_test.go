package spacesig_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacesig"
)

func FuzzVerifySpaceRequest(f *testing.F) {
	f.Add("1795330000000", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "c2ln", `{"a":1}`)
	f.Add("1795330000", "zz", "!!!", "")
	f.Add("-1", "", "", `{"verificationToken":"t"}`)
	f.Fuzz(func(t *testing.T, ts, sig, pksig, body string) {
		h := http.Header{}
		h.Set("X-Space-Timestamp", ts)
		h.Set("X-Space-Signature", sig)
		h.Set("X-Space-Public-Key-Signature", pksig)
		c := spacesig.Verify(h, []byte(body), spacesig.Keys{SigningKey: "k", VerificationToken: "t", Now: time.UnixMilli(1795330000000)})
		if c.OK {
			t.Fatalf("a guessed request passed: %+v", c)
		}
	})
}
