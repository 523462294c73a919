package flows

import (
	"net/http"
	"net/url"
	"slices"
)

// A finisher completes a request at send time, after any step-mode edit,
// with what must be made afresh for each sending (a DPoP proof, signed for
// this request at this moment). It sees each answer too, and may ask for
// the request to be sent once more, finished again (a server that wants a
// nonce in the proof). base.send applies every finisher; Pending applies
// them as well, so the preview shows what will go, made afresh when sent.
type finisher interface {
	finish(env Env, req *Request) error
	answered(sent Request, resp *http.Response) (again bool)
}

// finishers are this run's finishers, in the order they apply.
func (b *base) finishers() []finisher {
	return []finisher{dpopFinisher{b}}
}

// finishAll applies every finisher to a copy of req.
func (b *base) finishAll(env Env, req Request) (Request, error) {
	out := req.clone()
	for _, f := range b.finishers() {
		if err := f.finish(env, &out); err != nil {
			return req, err
		}
	}
	return out, nil
}

// again asks each finisher whether the answer calls for one more sending.
func (b *base) again(sent Request, resp *http.Response) bool {
	more := false
	for _, f := range b.finishers() {
		if f.answered(sent, resp) {
			more = true
		}
	}
	return more
}

// clone copies the request deeply enough for a finisher to change its
// headers and form without touching the original.
func (r Request) clone() Request {
	out := r
	out.Header = r.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	if r.Form != nil {
		out.Form = url.Values{}
		for k, vs := range r.Form {
			out.Form[k] = slices.Clone(vs)
		}
	}
	return out
}
