package flows

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// CustomParam is one parameter a person adds to a request, beyond those
// authplay sets: prompt=consent, audience=https://api, or a Space
// parameter sent to another server.
type CustomParam struct {
	Key, Value string
}

// CustomParams are a request's extra parameters, in the order given. A key
// may repeat: RFC 8707 sends one resource parameter per resource.
//
// In a profile they are a JSON object ({"prompt": "consent"}) or, to repeat
// a key, a list of "key=value" strings; both are read, and the object is
// written unless a key repeats.
type CustomParams []CustomParam

// ParseCustomParams reads the form's one-line list: key=value pairs
// separated by spaces or &, a value's own space, & or % written %20, %26
// or %25 (as in a URL).
func ParseCustomParams(s string) (CustomParams, error) {
	var out CustomParams
	for _, word := range strings.FieldsFunc(s, func(r rune) bool { return r == '&' || r == ' ' || r == '\t' || r == '\n' || r == '\r' }) {
		p, err := parsePair(word, true)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ParseCustomParam reads one key=value pair as given on the command line
// (--auth-param 'acr_values=urn:a urn:b'): the value is taken as it is,
// spaces and all.
func ParseCustomParam(s string) (CustomParam, error) { return parsePair(s, false) }

func parsePair(s string, escaped bool) (CustomParam, error) {
	k, v, ok := strings.Cut(s, "=")
	switch {
	case !ok:
		return CustomParam{}, fmt.Errorf("%q has no =: write key=value", s)
	case strings.TrimSpace(k) == "":
		return CustomParam{}, fmt.Errorf("%q has no name before the =: write key=value", s)
	case strings.ContainsAny(k, " \t\r\n&"):
		return CustomParam{}, fmt.Errorf("parameter name %q holds a space or &", k)
	}
	if escaped {
		var err error
		if k, err = url.PathUnescape(k); err != nil {
			return CustomParam{}, fmt.Errorf("%q: a %% must start an escape like %%20 (a space) or %%26 (&)", s)
		}
		if v, err = url.PathUnescape(v); err != nil {
			return CustomParam{}, fmt.Errorf("%q: a %% must start an escape like %%20 (a space) or %%26 (&)", s)
		}
	}
	return CustomParam{Key: k, Value: v}, nil
}

// escapeInList writes what would split or confuse the one-line list as
// %XX, so String and ParseCustomParams are each other's inverse.
var escapeInList = strings.NewReplacer("%", "%25", " ", "%20", "&", "%26", "\t", "%09", "\n", "%0A", "\r", "%0D")

// escapeKey is escapeInList for a name, which cannot hold = either.
var escapeKey = strings.NewReplacer("%", "%25", " ", "%20", "&", "%26", "\t", "%09", "\n", "%0A", "\r", "%0D", "=", "%3D")

// String is the one-line list the form shows.
func (ps CustomParams) String() string {
	words := make([]string, len(ps))
	for i, p := range ps {
		words[i] = escapeKey.Replace(p.Key) + "=" + escapeInList.Replace(p.Value)
	}
	return strings.Join(words, " ")
}

// Keys are the parameters' names, each once, in order.
func (ps CustomParams) Keys() []string {
	var out []string
	for _, p := range ps {
		if !slices.Contains(out, p.Key) {
			out = append(out, p.Key)
		}
	}
	return out
}

// Merge is ps with each key of over replaced by over's values: a flag
// given on the command line wins over the profile's parameter of that name.
func (ps CustomParams) Merge(over CustomParams) CustomParams {
	keys := over.Keys()
	out := slices.DeleteFunc(slices.Clone(ps), func(p CustomParam) bool { return slices.Contains(keys, p.Key) })
	return append(out, over...)
}

// Values are the parameters as url.Values.
func (ps CustomParams) Values() url.Values {
	v := url.Values{}
	for _, p := range ps {
		v.Add(p.Key, p.Value)
	}
	return v
}

// applyTo adds the parameters to q. A key q already holds (one authplay
// set: state, code_challenge, client_secret, …) is replaced, not silently:
// its name is returned, so the preview and the step can say so. A lab may
// tamper on purpose; nobody should do it by accident.
func (ps CustomParams) applyTo(q url.Values) (overridden []string) {
	for _, k := range ps.Keys() {
		if q.Has(k) {
			overridden = append(overridden, k)
			q.Del(k)
		}
	}
	for _, p := range ps {
		q.Add(p.Key, p.Value)
	}
	return overridden
}

// MarshalJSON writes an object in the given order, or a list of
// "key=value" strings when a key repeats (an object cannot hold it twice).
func (ps CustomParams) MarshalJSON() ([]byte, error) {
	if len(ps.Keys()) < len(ps) {
		list := make([]string, len(ps))
		for i, p := range ps {
			list[i] = p.Key + "=" + p.Value
		}
		return json.Marshal(list)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.Key)
		v, _ := json.Marshal(p.Value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of strings (in its order) or a list of
// "key=value" strings.
func (ps *CustomParams) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*ps = nil
	switch {
	case bytes.Equal(b, []byte("null")):
		return nil
	case len(b) > 0 && b[0] == '[':
		var list []string
		if err := json.Unmarshal(b, &list); err != nil {
			return errors.New(`custom parameters: write a list of "key=value" strings, or an object of strings`)
		}
		for _, s := range list {
			p, err := ParseCustomParam(s)
			if err != nil {
				return fmt.Errorf("custom parameters: %w", err)
			}
			*ps = append(*ps, p)
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New(`custom parameters: write an object of strings ({"prompt": "consent"}) or a list of "key=value" strings`)
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return fmt.Errorf("custom parameters: %w", err)
		}
		var v string
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("custom parameters: the value of %q must be a string", kt)
		}
		k := kt.(string) // an object's key is always a string
		switch {
		case strings.TrimSpace(k) == "":
			return errors.New("custom parameters: a parameter has no name")
		case strings.ContainsAny(k, "= \t\r\n&"):
			return fmt.Errorf("custom parameters: the name %q holds =, & or a space", k)
		}
		*ps = append(*ps, CustomParam{Key: k, Value: v})
	}
	return nil
}

// paramHints say in a line (76 columns: one line of an 80-column form)
// what the parameters a person most often adds do, so the form can say it
// while the cursor is on one.
var paramHints = map[string]string{
	"prompt":              "prompt: login signs in again, consent asks again, none shows no page",
	"login_hint":          "login_hint: who signs in (email or username), filled in on the sign-in page",
	"audience":            "audience: the API the token is for (Auth0's name for resource)",
	"resource":            "resource: the API's URL the token is for; repeat for several (RFC 8707)",
	"acr_values":          "acr_values: how strong a sign-in to ask for, e.g. a second factor",
	"max_age":             "max_age: seconds since the last sign-in beyond which it is asked again",
	"access_type":         "access_type: Space's and Google's; offline asks for a refresh token",
	"request_credentials": "request_credentials: Space's sign-in: default, required, skip, silent",
	"ui_locales":          "ui_locales: the sign-in page's languages, e.g. de%20en",
	"claims":              "claims: a JSON object asking for claims in the ID token (OIDC Core §5.5)",
}

// protocolParams are the parameters authplay itself sets on some request.
var protocolParams = []string{
	"response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method",
	"response_mode", "grant_type", "code", "code_verifier", "client_secret", "refresh_token", "username", "password", "device_code",
}

// ParamHint is the one-line explanation of a well-known parameter; for
// one authplay sets, what giving it here does.
func ParamHint(key string) (string, bool) {
	if h, ok := paramHints[key]; ok {
		return h, true
	}
	if slices.Contains(protocolParams, key) {
		return key + ": authplay sets it; yours replaces it", true
	}
	return "", false
}
