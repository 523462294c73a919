package ui_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/ui"
)

// A DPoP token's curl line, run in a real bash with a hostile value in
// the token and in the API's address, passes each value as one argument:
// the DPoP scheme, a proof made for exactly that URL and token by the
// session's key, and nothing runs that should not.
func TestDPoPCurlLineQuotesEveryValue(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	for name, v := range hostileValues("MARKER") {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			marker := filepath.Join(dir, "PWNED")
			v = strings.ReplaceAll(v, "MARKER", marker)
			prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: "https://idp.example/token", APIBase: "https://api.example/v1?x=1&y=$(touch " + marker + ")"}
			st := flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "c", DPoP: true})
			st.Token = &flows.Token{AccessToken: flows.Secret(v), TokenType: "DPoP"}

			path, out := fakeBin(t, "curl")
			line, err := ui.FormatToken(st, "curl")
			if err != nil {
				t.Fatal(err)
			}
			runBash(t, path, line)
			got := argsOf(t, out)
			if len(got) == 8 && got[0] == "-sS" {
				got = got[1:] // silent, errors shown
			}
			if len(got) != 7 || got[0] != "-H" || got[1] != "Authorization: DPoP "+v || got[2] != "-H" || !strings.HasPrefix(got[3], "DPoP: ") ||
				got[5] != "Accept: application/json" || got[6] != prov.APIBase {
				t.Fatalf("curl got %q", got)
			}
			proof, err := flows.ReadProof(strings.TrimPrefix(got[3], "DPoP: "))
			if err != nil {
				t.Fatal(err)
			}
			htu, _ := flows.ProofURL(prov.APIBase)
			if proof.Thumbprint != st.DPoP.JKT || proof.Claim("htm") != "GET" || proof.Claim("htu") != htu || proof.Claim("ath") != flows.AccessTokenHash(v) {
				t.Errorf("the proof in the line: %+v", proof)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("a payload ran: %s exists", marker)
			}
		})
	}
}

// Where no working line can be made, the copy says why: no key at hand,
// or a server that wants a nonce its API has not given yet. The header
// form uses the DPoP scheme, and the notes say what a person must know.
func TestDPoPCopyFormsSayWhyNot(t *testing.T) {
	prov := flows.Provider{Kind: flows.KindEndpoints, TokenURL: "https://idp.example/token", APIBase: "https://api.example/v1"}
	st := flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: "c", DPoP: true})
	st.Token = &flows.Token{AccessToken: "tok", TokenType: "DPoP"}

	noKey := st
	lost := *st.DPoP
	lost.Key, lost.KeyTrouble = nil, "its key file is gone"
	noKey.DPoP = &lost
	if _, err := ui.FormatToken(noKey, "curl"); err == nil || !strings.Contains(err.Error(), "its key file is gone") || !strings.Contains(err.Error(), "would be refused") {
		t.Errorf("no key: %v", err)
	}
	off := st
	off.DPoP = nil
	if _, err := ui.FormatToken(off, "curl"); err == nil || !strings.Contains(err.Error(), "DPoP off") {
		t.Errorf("DPoP off: %v", err)
	}
	nonces := st
	d := *st.DPoP
	d.Nonces = map[string]string{"https://idp.example token endpoint": "n1"}
	nonces.DPoP = &d
	if _, err := ui.FormatToken(nonces, "curl"); err == nil || !strings.Contains(err.Error(), "Call the API once (a)") {
		t.Errorf("a nonce-wanting server whose API gave none: %v", err)
	}
	if h, _ := ui.FormatToken(st, "header"); h != "Authorization: DPoP tok" {
		t.Errorf("header form: %q", h)
	}
	if n := ui.TokenFormNote(st, "curl"); !strings.Contains(n, "good for one request") || !strings.Contains(n, "a minute or less") {
		t.Errorf("curl note: %q", n)
	}
	bearer := st
	bearer.Token = &flows.Token{AccessToken: "tok", TokenType: "Bearer"}
	if n := ui.TokenFormNote(bearer, "curl"); n != "" {
		t.Errorf("a bearer token's curl note: %q", n)
	}
	if c, _ := ui.FormatToken(st, "command"); !strings.Contains(c, " --dpop") || strings.Contains(c, "--dpop on") {
		t.Errorf("command form: %s", c)
	}
}
