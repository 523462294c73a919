package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/authplay/authplay/flows"
)

// inspectorWith8KBToken is the token inspector showing an access token of
// about 8 KB (a JWT with many claims, as some servers issue).
func inspectorWith8KBToken(b *testing.B) *inspect {
	a := New(goldenDeps())
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	sess := authorizedSession()
	var claims strings.Builder
	claims.WriteString(`{"sub":"2kLmX9demo","aud":"demo-app","iss":"http://127.0.0.1:9090","exp":1795341600,"iat":1795341000`)
	for i := 0; claims.Len() < 6000; i++ {
		claims.WriteString(`,"claim_` + strings.Repeat("x", 8) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + `":"` + strings.Repeat("v", 40) + `"`)
	}
	claims.WriteString("}")
	sess.State.Token.AccessToken = flows.Secret(fixedJWT(claims.String()))
	if n := len(sess.State.Token.AccessToken); n < 8000 || n > 8600 {
		b.Fatalf("token is %d bytes", n)
	}
	in := newInspect(a.k, a.nextID(), sess, flows.Credentials{})
	in.SetSize(a.bodySize())
	in.checkInput = &flows.CheckInput{Issuer: "http://127.0.0.1:9090", ClientID: "demo-app"}
	return in
}

// BenchmarkRenderInspector8KB against BenchmarkRenderBareViewport8KB:
//
//	go test -run '^$' -bench 'Render' -count 8 ./ui/
func BenchmarkRenderInspector8KB(b *testing.B) {
	in := inspectorWith8KBToken(b)
	for b.Loop() {
		_ = in.View()
	}
}

// BenchmarkRenderBareViewport8KB renders the same text in a bare viewport:
// the floor for showing it at all.
func BenchmarkRenderBareViewport8KB(b *testing.B) {
	text := inspectorWith8KBToken(b).View()
	vp := viewport.New(viewport.WithWidth(120), viewport.WithHeight(40))
	vp.SoftWrap = true
	for b.Loop() {
		vp.SetContent(text)
		_ = vp.View()
	}
}
