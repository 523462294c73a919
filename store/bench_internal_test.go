package store

import (
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/wire"
)

// A session as big as a finished authorization-code run: three steps with
// their exchanges.
func sampleSession(i int) Session {
	ex := wire.Exchange{
		Request:  wire.Message{Method: "POST", URL: "https://acme.jetbrains.space/oauth/token", Header: map[string][]string{"Authorization": {"Basic ZGVtbzo•••"}}, Body: "code=spc-12…abcd&grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback"},
		Response: &wire.Message{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: `{"access_token":"eyJhbG…Q8hQ","expires_in":600,"refresh_token":"sprt-1…abcd","token_type":"Bearer"}`},
	}
	step := flows.Step{Name: "token_request", Caption: "Trade the code for tokens", WhatHappened: "authplay sent the code and the PKCE verifier…", Exchanges: []wire.Exchange{ex}, OK: true, At: time.Now()}
	now := time.Now()
	return Session{
		ID: fmt.Sprintf("20261122T000000-%06d", i), Profile: "demo", Method: flows.AuthorizationCode, Created: now, Updated: now,
		State: flows.State{Method: flows.AuthorizationCode, Phase: flows.PhaseAuthorized, Token: &flows.Token{AccessToken: "eyJhbGciOiJSUzUxMiJ9.e30.sig", TokenType: "Bearer", Expiry: now}},
		Steps: []flows.Step{step, step, step},
	}
}

func storeWith(b *testing.B, n int) *Store {
	b.Helper()
	s, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		for i := range n {
			if err := put(tx, sampleSession(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkOpenAndList10000 is what starting authplay costs with 10,000
// sessions: open the store and list the sessions.
//
//	go test -run '^$' -bench 'OpenAndList|Commit' -count 6 ./store/
func BenchmarkOpenAndList10000(b *testing.B) {
	dir := storeWith(b, 10_000).dir
	for b.Loop() {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		list, err := s.List("", "")
		if err != nil || len(list) != 10_000 {
			b.Fatal(err, len(list))
		}
	}
}

func benchmarkCommit(b *testing.B, n int) {
	s := storeWith(b, n)
	sess := sampleSession(n / 2)
	for b.Loop() {
		sess.Updated = time.Now()
		if err := s.update(func(tx *bolt.Tx) error { return put(tx, sess) }); err != nil {
			b.Fatal(err)
		}
	}
}

// Advance's commit (one session's state and steps) in a store of 10 and of
// 10,000 sessions.
func BenchmarkCommitAt10(b *testing.B)    { benchmarkCommit(b, 10) }
func BenchmarkCommitAt10000(b *testing.B) { benchmarkCommit(b, 10_000) }
