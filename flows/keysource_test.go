package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/hostiletest"
	"github.com/authplay/authplay/flows/wire"
)

// Keys come only from the configured key-set URL or the configured
// issuer's discovery, never from what the token names (iss, jku, x5u, jwk):
// a forger names its own. A forged access token and ID token, whose every
// key pointer leads to the forger's host, are never "verified", and that
// host gets no request, whether the key set is configured, discovered, or
// not known at all. The server's own signature verifies (the control).
func TestSignatureKeysNeverComeFromTheToken(t *testing.T) {
	k := hostiletest.NewKeySource(t)
	env := flows.Env{HTTP: wire.NewClient(5 * time.Second)}
	ctx := context.Background()
	discovered, _, err := flows.Discover(ctx, env.HTTP, k.Server.URL)
	if err != nil {
		t.Fatal(err)
	}
	if discovered.JWKSURL != k.Server.URL+"/jwks" {
		t.Fatalf("discovery gave the key set %q", discovered.JWKSURL)
	}
	providers := map[string]flows.Provider{
		"a configured key set":   {Kind: flows.KindEndpoints, TokenURL: k.Server.URL + "/token", JWKSURL: k.Server.URL + "/jwks"},
		"the issuer's discovery": discovered,
		"no key set known":       {Kind: flows.KindEndpoints, TokenURL: k.Server.URL + "/token"},
	}
	forgeries := map[string]string{
		"the server's kid": hostiletest.ServerKeyID,
		"the forger's kid": "forger-key",
		"no kid at all":    "",
	}
	for pname, prov := range providers {
		for fname, kid := range forgeries {
			t.Run(pname+"/"+fname, func(t *testing.T) {
				k.ForgerHits.Store(0)
				k.Answer(k.Forge(kid, k.Claims("api")), k.Forge(kid, k.Claims(hostiletest.ClientID)))
				vs := authorizeAndCheck(t, ctx, env, prov)
				for _, name := range []string{"signature", "id_token signature"} {
					v, ok := verdictNamed(vs, name)
					switch {
					case !ok:
						t.Errorf("no %q verdict in %v", name, vs)
					case v.Outcome == flows.Pass:
						t.Errorf("%s: a forgery was verified: %s", name, v.Detail)
					case prov.JWKSURL == "" && v.Outcome != flows.Unverified:
						t.Errorf("%s: with no key set known it is %q (%s), want %q", name, v.Outcome, v.Detail, flows.Unverified)
					case prov.JWKSURL != "" && v.Outcome != flows.Fail:
						t.Errorf("%s: against the configured keys it is %q (%s), want %q", name, v.Outcome, v.Detail, flows.Fail)
					}
				}
				if n := k.ForgerHits.Load(); n != 0 {
					t.Errorf("the forger's host got %d request(s): keys were looked for where the token said", n)
				}
			})
		}
	}
	t.Run("control: the server's own signature", func(t *testing.T) {
		claims := k.Claims(hostiletest.ClientID)
		claims["iss"] = k.Server.URL
		k.Answer(k.Genuine(claims), k.Genuine(claims))
		vs := authorizeAndCheck(t, ctx, env, discovered)
		for _, name := range []string{"signature", "id_token signature"} {
			if v, _ := verdictNamed(vs, name); v.Outcome != flows.Pass {
				t.Errorf("%s: %q (%s), want pass", name, v.Outcome, v.Detail)
			}
		}
	})
}

// authorizeAndCheck runs the client credentials grant against prov and
// judges its tokens as the inspector and --strict do (key set fetched).
func authorizeAndCheck(t *testing.T, ctx context.Context, env flows.Env, prov flows.Provider) []flows.Verdict {
	t.Helper()
	st := flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: hostiletest.ClientID})
	m, err := flows.New(st, flows.Credentials{ClientSecret: hostiletest.ClientSecret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Next(ctx, env, flows.Input{}); err != nil {
		t.Fatal(err)
	}
	if m.State().Token == nil || m.State().Token.IDToken == "" {
		t.Fatalf("no ID token came: %+v", m.State().Token)
	}
	return flows.CheckState(ctx, env, m.State())
}

func verdictNamed(vs []flows.Verdict, check string) (flows.Verdict, bool) {
	for _, v := range vs {
		if strings.EqualFold(v.Check, check) {
			return v, true
		}
	}
	return flows.Verdict{}, false
}
