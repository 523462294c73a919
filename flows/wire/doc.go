// Package wire is authplay's HTTP plumbing: the client every request goes
// through (NewClient: timeouts, at most 5 redirects, a 1 MiB cap on every
// response, a User-Agent naming authplay) and the Recorder that keeps each
// exchange, redacted, for the learner to read.
//
// Every rule about what may leave this machine, and what may be shown of
// it, lives here: a request carrying a credential follows a redirect only
// within its own origin (RedirectRefusedError, MayFollow for those that
// carry none); a credential sent over plain http to another machine earns
// a warning, or under --strict a refusal (ErrPlainHTTP); secrets are
// masked and tokens peeked (Mask, Peek) in every recorded URL, header and
// body.
//
// It is apart from flows because it knows no OAuth flow: flows builds
// requests, sends them through a recorded client (Record) and reads the
// answer (Recorder.Outcome); what an error status means is flows' to say.
package wire
