// Package lab is authplay's set of experiments: each one tries, for real
// and against the current profile's server, something a server (or, for
// the client-side ones, authplay itself) must refuse, and ends with a
// verdict: DEFENDED, VULNERABLE (what should have been refused was
// accepted) or SKIPPED (and why: the server lacks the feature, or a step
// needed a person who did not come).
//
// An Experiment is a plain value (ID, title, what it tries, what a defence
// looks like, the RFC behind it) with a Run that returns a Result: the
// verdict, a one-line explanation that says what the server did, and the
// flows.Step values it took, so a screen shows them like any flow's steps.
// Runs go through the flows machines (flows.New, Pending, Next with an
// edited Input.Request), so every request is recorded and redacted as in
// a normal flow.
//
// Some experiments need an authorization code, and so someone to sign in:
// Target.Approve when the server can approve without a browser (the
// built-in server's headless approval, HeadlessApproval), else
// Target.SignIn hands the URL to a person, who has Target.SignInWait to
// finish. Where authplay can judge the server's answer to an
// authorization request without anyone (the redirect URI experiments),
// it sends the request itself and does not follow the answer: an error
// page, or a redirect carrying error= to an address that was allowed, is
// a refusal; a redirect carrying code= to the address tried is acceptance;
// a sign-in page means the server took the request, and only a sign-in
// tells where it would send the browser.
//
// Experiments clean up after themselves: every token they obtain is
// revoked at the end when the server can revoke. The package knows
// nothing of any front door; `authplay probe` and the TUI's lab drive it.
package lab
