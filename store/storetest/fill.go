package storetest

import (
	"fmt"
	"time"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
	"github.com/authplay/authplay/store"
)

// Fill adds n finished client-credentials sessions to the store in dir,
// each as big as a real one (three steps with their exchanges), updated a
// second apart up to an hour ago; the newest belongs to newestProfile, the
// rest to "older". It writes them in one transaction (store.Import):
// 10,000 take seconds, not the minutes a commit each would.
func Fill(dir string, n int, newestProfile string) error {
	st, err := store.Open(dir)
	if err != nil {
		return err
	}
	now := time.Now().Add(-time.Hour)
	ex := wire.Exchange{
		Request:  wire.Message{Method: "POST", URL: "http://127.0.0.1:9090/oauth/token", Header: map[string][]string{"Authorization": {"Basic ZGVtbzo•••"}}, Body: "grant_type=client_credentials&scope=%2A%2A"},
		Response: &wire.Message{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"access_token":"eyJhbG…Q8hQ","expires_in":600,"token_type":"Bearer"}`},
	}
	step := flows.Step{Name: "token_request", Caption: "Ask for a token", WhatHappened: "authplay sent its client credentials…", Exchanges: []wire.Exchange{ex}, OK: true, At: now}
	sessions := make([]store.Session, n)
	for i := range sessions {
		at := now.Add(time.Duration(i-n) * time.Second)
		profile := "older"
		if i == n-1 {
			profile = newestProfile
		}
		sessions[i] = store.Session{
			ID: fmt.Sprintf("%s-fill%06d", at.UTC().Format("20060102T150405"), i), Profile: profile, Method: flows.ClientCredentials,
			Created: at, Updated: at,
			State: flows.State{Method: flows.ClientCredentials, Phase: flows.PhaseAuthorized,
				Token: &flows.Token{AccessToken: "eyJhbGciOiJSUzUxMiJ9.e30.sig", TokenType: "Bearer", Expiry: at.Add(10 * time.Minute)}},
			Steps: []flows.Step{step, step, step},
		}
	}
	return st.Import(sessions)
}
