package ui

import (
	"testing"
	"time"

	"github.com/authplay/authplay/flows/spacetest"
)

// The fuzz seed for mutual TLS reaches the certificate rows: the form
// shows them once tls_client_auth is chosen, takes the typed paths, and a
// run with files that do not exist says which one, without leaving the form.
func TestFuzzSeedReachesClientCertificateRows(t *testing.T) {
	srv := spacetest.Start(t, spacetest.WithHeadlessApproval(true))
	h := newFuzzHarness(t, srv, t.TempDir(), mtlsSeed)
	defer h.close()
	h.keep, h.budget = true, time.Minute
	h.run(mtlsSeed)
	for _, want := range []string{"‹ tls_client_auth ›", "TLS cert file      /no/cert.pem", "TLS key file       /no/key.pem", "CA file            /no/ca.pem", "Fix: The CA file /no/ca.pem cannot be read"} {
		if !h.seen(want) {
			t.Errorf("no frame shows %q; last frame:\n%s", want, h.frames[len(h.frames)-1])
		}
	}
}
