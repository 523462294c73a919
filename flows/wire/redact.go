package wire

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/authplay/authplay/flows/termsafe"
)

// Fields whose values are secrets: fully masked, or peeked when telling
// tokens apart helps the learner.
var (
	hiddenFields = map[string]bool{"client_secret": true, "password": true, "client_assertion": true}
	peekedFields = map[string]bool{
		"access_token": true, "refresh_token": true, "id_token": true, "code": true, "code_verifier": true,
		"device_code": true, "token": true, "assertion": true, "subject_token": true, "actor_token": true,
	}
)

func redactValue(k, v string) string {
	switch {
	case hiddenFields[k]:
		return Mask
	case peekedFields[k]:
		return Peek(v)
	}
	return v
}

func redactURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	q := c.Query()
	for k, vs := range q {
		for i := range vs {
			vs[i] = redactValue(k, vs[i])
		}
	}
	c.RawQuery = encodeSorted(q)
	if c.Fragment != "" {
		if fq, err := url.ParseQuery(c.Fragment); err == nil {
			for k, vs := range fq {
				for i := range vs {
					vs[i] = redactValue(k, vs[i])
				}
			}
			c.Fragment = encodeSorted(fq)
		}
	}
	return c.String()
}

// encodeSorted is url.Values.Encode but keeps the masks readable.
func encodeSorted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			if sb.Len() > 0 {
				sb.WriteByte('&')
			}
			sb.WriteString(url.QueryEscape(k) + "=" + strings.NewReplacer("%E2%80%A2", "•", "%E2%80%A6", "…").Replace(url.QueryEscape(v)))
		}
	}
	return sb.String()
}

func redactHeader(h http.Header) map[string][]string {
	out := map[string][]string{}
	for k, vs := range h {
		for _, v := range vs {
			out[termsafe.Line(k)] = append(out[termsafe.Line(k)], termsafe.Line(redactHeaderValue(k, v)))
		}
	}
	return out
}

func redactHeaderValue(k, v string) string {
	switch strings.ToLower(k) {
	case "authorization", "proxy-authorization":
		scheme, cred, _ := strings.Cut(v, " ")
		if strings.EqualFold(scheme, "basic") {
			if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
				id, _, _ := strings.Cut(string(dec), ":")
				return "Basic " + strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(id+":")), "=") + Mask + "  (" + id + ":" + Mask + ")"
			}
			return "Basic " + Mask
		}
		return scheme + " " + Peek(cred)
	case "cookie", "set-cookie", "x-space-signature", "x-space-public-key-signature":
		return Peek(v)
	}
	return v
}

func redactBody(contentType string, body []byte) string {
	if len(body) == 0 {
		return ""
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "x-www-form-urlencoded"):
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return "(form body that does not parse; not shown)"
		}
		for k, vs := range q {
			for i := range vs {
				vs[i] = redactValue(k, vs[i])
			}
		}
		return encodeSorted(q)
	case strings.Contains(ct, "json") || json.Valid(body):
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return Clip(string(body))
		}
		out, _ := json.MarshalIndent(redactJSON(v), "", "  ")
		return string(out)
	}
	return Clip(string(body))
}

func redactJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if s, ok := val.(string); ok {
				t[k] = redactValue(k, s)
			} else {
				t[k] = redactJSON(val)
			}
		}
	case []any:
		for i := range t {
			t[i] = redactJSON(t[i])
		}
	}
	return v
}

// Redacted is a request as a person may read it, secrets masked exactly as
// a recorded exchange masks them, so what is shown before a request is
// sent and what the record keeps compare equal.
func Redacted(method, rawURL string, h http.Header, body []byte) Message {
	m := Message{Method: method, URL: rawURL, Header: redactHeader(h), Body: redactBody(h.Get("Content-Type"), body)}
	if u, err := url.Parse(rawURL); err == nil {
		m.URL = redactURL(u)
	}
	return m
}

// RedactURL masks the secrets in a URL's query and fragment.
func RedactURL(u *url.URL) string { return redactURL(u) }
