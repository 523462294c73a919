package flows

import (
	"errors"
	"fmt"

	"github.com/authplay/authplay/flows/wire"
)

// The kinds of failure a step meets besides an OAuth error and the
// network's own: an endpoint that answered with something other than what
// it is for, and a setting authplay needs before it can send anything.
// Each is a type of its own so the explainer can name a cause for it.

// BodyKind is what an answer's body turned out to be.
type BodyKind string

const (
	BodyHTML     BodyKind = "a web page"
	BodyEmpty    BodyKind = "an empty body"
	BodyNotJSON  BodyKind = "text that is neither JSON nor a form"
	BodyNoCode   BodyKind = "a body without an OAuth error code"
	BodyUnusable BodyKind = "an answer that breaks the standard"
)

// AnswerError is an endpoint's answer that is not what the endpoint is for:
// a status of 300 and up without an OAuth error code, a web page where JSON
// belongs, or a success that lacks what the standard requires.
type AnswerError struct {
	Status int      // the HTTP status; 0 when the body was read on its own
	Body   BodyKind // what came
	// URL is where the answer came from when a redirect led away from the
	// URL that was called (redacted); empty otherwise.
	URL string
	msg string
	err error
}

func (e *AnswerError) Error() string { return e.msg }
func (e *AnswerError) Unwrap() error { return e.err }

func bodyError(kind BodyKind, format string, a ...any) *AnswerError {
	return &AnswerError{Body: kind, msg: fmt.Sprintf(format, a...)}
}

// atStatus is the answer's error as the status it came with: a body that
// could not be read says so after the status.
func (e *AnswerError) atStatus(status int) *AnswerError {
	out := *e
	out.Status = status
	if status >= 300 {
		out.msg = fmt.Sprintf("HTTP %d, and %s", status, e.msg)
	}
	return &out
}

// answered names the status, and the origin when a redirect led elsewhere,
// of an answer that is not what the endpoint is for. An OAuth error passes
// as it is: the server said what was wrong.
func answered(rec *wire.Recorder, err error) error {
	var oe *OAuthError
	if err == nil || errors.As(err, &oe) {
		return err
	}
	status, landed := lastAnswer(rec)
	var ae *AnswerError
	if !errors.As(err, &ae) {
		return &AnswerError{Status: status, Body: BodyUnusable, URL: landed, msg: err.Error(), err: err}
	}
	if ae.URL == "" {
		ae.URL = landed
	}
	if ae.Status == 0 {
		ae.Status = status
	}
	return err
}

// lastAnswer is the status of the last recorded answer and, when redirects
// led away from the first URL, the URL that gave it.
func lastAnswer(rec *wire.Recorder) (status int, landed string) {
	ex := rec.Exchanges()
	if len(ex) == 0 || ex[len(ex)-1].Response == nil {
		return 0, ""
	}
	last := ex[len(ex)-1]
	if last.Request.URL != ex[0].Request.URL {
		landed = last.Request.URL
	}
	return last.Response.Status, landed
}

// apiRefused is an API's refusal that carries no error code of its own.
func apiRefused(status int) *AnswerError {
	return &AnswerError{Status: status, Body: BodyNoCode, msg: fmt.Sprintf("the API answered HTTP %d", status)}
}

// settingError is a value authplay needs before it can send the request,
// missing or wrong: nothing was sent.
// fix, when set, is what to do; without one the message is the fix (a
// missing value: "paste the token first").
type settingError struct{ msg, fix string }

func (e *settingError) Error() string { return e.msg }

func settingMissing(format string, a ...any) error {
	return &settingError{msg: fmt.Sprintf(format, a...)}
}

// settingWrong is a value that is there but unusable: the message says
// what is wrong with it, fix what to do.
func settingWrong(fix, format string, a ...any) error {
	return &settingError{msg: fmt.Sprintf(format, a...), fix: fix}
}
