package spacetest

import "testing"

// Start is NewServer for tests, as httptest.NewServer is for handlers: the
// test binary shares one signing key (RSA generation is the slow part),
// headless approval is on, and the server closes when the test ends. Later
// options override these.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	key, err := SharedTestKey()
	if err != nil {
		tb.Fatal(err)
	}
	s, err := NewServer(append([]Option{WithKey(key), WithHeadlessApproval(true)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}
