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
	// The run's first step (the session opened, the CA file read) comes in
	// a command that a loaded machine may finish after the script's last
	// key: wait for its answer, not for luck.
	h.until("the run's failure", 20*time.Second, func() bool { return h.seen("Fix: The CA file /no/ca.pem cannot be read") })
	for _, want := range []string{"‹ tls_client_auth ›", "TLS cert file      /no/cert.pem", "TLS key file       /no/key.pem", "CA file            /no/ca.pem", "Fix: The CA file /no/ca.pem cannot be read"} {
		if !h.seen(want) {
			t.Errorf("no frame shows %q; last frame:\n%s", want, h.frames[len(h.frames)-1])
		}
	}
}
