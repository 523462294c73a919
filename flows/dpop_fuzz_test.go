package flows_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
)

// What a server sends back about DPoP is read the RFC 9110 way: several
// challenges in one header, quoted strings with escapes, token68
// credentials skipped, and what does not parse ends the reading quietly.
func TestParseChallenges(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want []flows.Challenge
	}{
		{[]string{`DPoP algs="ES256 PS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`},
			[]flows.Challenge{{"DPoP", map[string]string{"algs": "ES256 PS256", "error": "use_dpop_nonce", "error_description": "Resource server requires nonce in DPoP proof"}}}},
		{[]string{`Bearer realm="Space", error=invalid_token, DPoP algs="ES256"`},
			[]flows.Challenge{{"Bearer", map[string]string{"realm": "Space", "error": "invalid_token"}}, {"DPoP", map[string]string{"algs": "ES256"}}}},
		{[]string{`Basic abc==, DPoP error="invalid_dpop_proof", error_description="a \"quoted\" word"`},
			[]flows.Challenge{{"Basic", map[string]string{}}, {"DPoP", map[string]string{"error": "invalid_dpop_proof", "error_description": `a "quoted" word`}}}},
		{[]string{`Bearer`, `DPoP ERROR="use_dpop_nonce"`}, []flows.Challenge{{"Bearer", map[string]string{}}, {"DPoP", map[string]string{"error": "use_dpop_nonce"}}}},
		{[]string{`DPoP error="unterminated`}, []flows.Challenge{{"DPoP", map[string]string{}}}},
		{[]string{`"not a scheme"`}, nil},
	} {
		if got := flows.ParseChallenges(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got  %+v\n want %+v", c.in, got, c.want)
		}
	}
}

// Parsers of what a server or a person's edit sent: never a panic, every
// result safe to print.
func FuzzParseChallenges(f *testing.F) {
	f.Add(`DPoP algs="ES256 PS256", error="use_dpop_nonce"`)
	f.Add(`Bearer realm="x", error=invalid_token, DPoP algs="ES256"`)
	f.Add(`Basic abc==, DPoP error="a \"b\" \\"`)
	f.Add("DPoP error=\"\u009b2J\x1b]0;x\x07\"")
	f.Fuzz(func(t *testing.T, h string) {
		for _, c := range flows.ParseChallenges([]string{h}) {
			all := c.Scheme
			for k, v := range c.Params {
				all += k + v
			}
			if err := hostiletest.Terminal([]byte(all)); err != nil {
				t.Fatalf("%q: %v", h, err)
			}
		}
	})
}

func FuzzReadProof(f *testing.F) {
	k, _ := flows.NewDPoPKey()
	p, _ := k.Proof("POST", "https://as.example/token?x=1", "tok", "n-1", time.Unix(1e9, 0))
	f.Add(p)
	f.Add("eyJhbGciOiJFUzI1NiJ9.e30.c2ln")
	f.Add(`eyJhbGciOiJFUzI1NiIsImp3ayI6eyJrdHkiOiJFQyJ9fQ.eyJodG0iOiJcdTAwMWJbMko=In0.x`)
	f.Fuzz(func(t *testing.T, s string) {
		if err := hostiletest.Terminal([]byte(strings.Join(flows.ProofLines(s), "\n"))); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	})
}

// A proof authplay makes reads back as RFC 9449 §4.2 wants it: the
// public key only, the method, the URL without its query, ath and nonce.
func TestProofReadsBack(t *testing.T) {
	k, _ := flows.NewDPoPKey()
	at := time.Unix(1_800_000_000, 0)
	p, err := k.Proof("GET", "https://api.example/v1/me?fields=a#frag", "the-token", "n-1", at)
	if err != nil {
		t.Fatal(err)
	}
	v, err := flows.ReadProof(p)
	if err != nil {
		t.Fatal(err)
	}
	if v.Type != "dpop+jwt" || v.Alg != "ES256" || v.Thumbprint != k.Thumbprint() || strings.Contains(v.JWK, " d ") {
		t.Fatalf("header: %+v", v)
	}
	for name, want := range map[string]string{"htm": "GET", "htu": "https://api.example/v1/me", "ath": flows.AccessTokenHash("the-token"), "nonce": "n-1"} {
		if got := v.Claim(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if !strings.Contains(v.Claim("iat"), "(1800000000)") || len(v.Claim("jti")) < 20 {
		t.Errorf("iat %q, jti %q", v.Claim("iat"), v.Claim("jti"))
	}
}

// The private key shows nowhere but in PrivatePEM: not through any fmt
// verb (a log line, an error, a panic), not in JSON, not in a State.
func TestDPoPKeyNeverPrintsItsPrivateHalf(t *testing.T) {
	st := flows.Start(flows.ClientCredentials, flows.Params{DPoP: true})
	k := st.DPoP.Key
	pemBytes, _ := k.PrivatePEM()
	block, _ := pem.Decode(pemBytes)
	priv, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := priv.Bytes()
	secret := []string{base64.RawURLEncoding.EncodeToString(d), new(big.Int).SetBytes(d).String(), fmt.Sprintf("%x", d), base64.StdEncoding.EncodeToString(block.Bytes)[:40]}
	stateJSON, _ := json.Marshal(st)
	keyJSON, _ := json.Marshal(k)
	shown := fmt.Sprintf("%v %+v %#v %s %x %q | %v %+v %#v", k, k, k, k, k, k, st, st, *st.DPoP) + string(stateJSON) + string(keyJSON)
	for _, s := range secret {
		if strings.Contains(shown, s) {
			t.Fatalf("the private key shows: %s", shown)
		}
	}
	if !strings.Contains(string(keyJSON), `"x"`) || strings.Contains(string(stateJSON), `"d"`) {
		t.Errorf("key JSON %s; state JSON has a d", keyJSON)
	}
}
