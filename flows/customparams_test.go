package flows_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authplay/authplay/flows"
)

func TestCustomParamsParse(t *testing.T) {
	got, err := flows.ParseCustomParams("prompt=consent&login_hint=a@b.example  acr_values=urn:a%20urn:b resource=https://a resource=https://b empty=")
	want := flows.CustomParams{{Key: "prompt", Value: "consent"}, {Key: "login_hint", Value: "a@b.example"}, {Key: "acr_values", Value: "urn:a urn:b"},
		{Key: "resource", Value: "https://a"}, {Key: "resource", Value: "https://b"}, {Key: "empty", Value: ""}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%v %v", got, err)
	}
	for in, msg := range map[string]string{
		"prompt":          `"prompt" has no =`,
		"=consent":        "no name before the =",
		"max_age=%zz":     "a % must start an escape",
		"ok=1 &broken& x": `"broken" has no =`,
	} {
		if _, err := flows.ParseCustomParams(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", in, err, msg)
		}
	}
	if one, err := flows.ParseCustomParam("acr_values=urn:a urn:b&c"); err != nil || one.Value != "urn:a urn:b&c" {
		t.Errorf("a flag's value is taken as given: %+v %v", one, err)
	}
}

// Profiles hold them as an object (in order) or, to repeat a name, a list.
func TestCustomParamsJSON(t *testing.T) {
	var ps flows.CustomParams
	if err := json.Unmarshal([]byte(`{"prompt":"consent","audience":"https://api"}`), &ps); err != nil || ps.String() != "prompt=consent audience=https://api" {
		t.Fatalf("object: %v %v", ps, err)
	}
	if err := json.Unmarshal([]byte(`["resource=https://a","resource=https://b"]`), &ps); err != nil || len(ps) != 2 {
		t.Fatalf("list: %v %v", ps, err)
	}
	if b, _ := json.Marshal(ps); string(b) != `["resource=https://a","resource=https://b"]` {
		t.Errorf("a repeated name is written as a list: %s", b)
	}
	if b, _ := json.Marshal(flows.CustomParams{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}}); string(b) != `{"b":"2","a":"1"}` {
		t.Errorf("an object keeps the order given: %s", b)
	}
	for _, bad := range []string{`{"prompt":1}`, `["prompt"]`, `"prompt=x"`, `{"a b":"c"}`, `[1]`} {
		if err := json.Unmarshal([]byte(bad), &ps); err == nil {
			t.Errorf("%s was accepted", bad)
		}
	}
}

// The form's one-line text and a profile's JSON give back exactly the
// parameters they were made from, whatever they hold.
func FuzzCustomParamsRoundTrip(f *testing.F) {
	f.Add("prompt", "consent", "acr_values", "urn:a urn:b")
	f.Add("a=b", "%20&", "k", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		ps := flows.CustomParams{{Key: k1, Value: v1}, {Key: k2, Value: v2}}
		if strings.TrimSpace(k1) == "" || strings.TrimSpace(k2) == "" {
			return
		}
		back, err := flows.ParseCustomParams(ps.String())
		if err != nil || !reflect.DeepEqual(back, ps) {
			t.Fatalf("text %q gave %v (%v), want %v", ps.String(), back, err, ps)
		}
		if strings.ContainsAny(k1+k2, "= \t\r\n&") || !utf8.ValidString(k1) || !utf8.ValidString(v1) || !utf8.ValidString(k2) || !utf8.ValidString(v2) {
			return // a profile cannot name such a parameter; JSON holds text only
		}
		b, err := json.Marshal(ps)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON flows.CustomParams
		if err := json.Unmarshal(b, &fromJSON); err != nil || !reflect.DeepEqual(fromJSON, ps) {
			t.Fatalf("JSON %s gave %v (%v), want %v", b, fromJSON, err, ps)
		}
	})
}

// The parameters a person most often adds each have a line that says what
// they do, which the form shows beside the pair under the cursor.
func TestWellKnownParametersAreExplained(t *testing.T) {
	for _, k := range []string{"prompt", "login_hint", "audience", "resource", "acr_values", "max_age", "access_type"} {
		if h, ok := flows.ParamHint(k); !ok || !strings.HasPrefix(h, k+": ") || utf8.RuneCountInString(h) > 76 {
			t.Errorf("%s: %q (one line of an 80-column form: 76 at most)", k, h)
		}
	}
	if h, ok := flows.ParamHint("state"); !ok || !strings.Contains(h, "authplay sets it") {
		t.Errorf("state: %q", h)
	}
	if h, ok := flows.ParamHint("x-custom"); ok {
		t.Errorf("an unknown parameter has a hint: %q", h)
	}
}
