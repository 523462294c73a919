package spacesig

import (
	"context"
	"fmt"
	"net/http"

	"github.com/go-jose/go-jose/v4"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/jwtcheck"
	"github.com/authplay/authplay/flows/wire"
)

// FetchPublicKeys gets the keys Space signs endpoint requests with: an
// application token from the client credentials flow, then the
// application's public-keys call, whose answer is the key set as a string.
func FetchPublicKeys(ctx context.Context, env flows.Env, serviceURL, clientID string, secret flows.Secret) (*jose.JSONWebKeySet, []flows.Step, error) {
	prov, err := flows.Space(serviceURL)
	if err != nil {
		return nil, nil, err
	}
	m, _ := flows.New(flows.Start(flows.ClientCredentials, flows.Params{Provider: prov, ClientID: clientID, Scope: "**"}), flows.Credentials{ClientSecret: secret})
	step, err := m.Next(ctx, env, flows.Input{})
	steps := []flows.Step{step}
	if err != nil {
		return nil, steps, fmt.Errorf("getting an application token: %w", err)
	}
	resp, err := flows.CallAPI(ctx, env, prov, m.State().Token.AccessToken, flows.APIRequest{Method: http.MethodGet, Path: "/applications/me/public-keys"})
	keyStep := flows.Step{Name: "public_keys", Caption: "Fetch Space's public keys for this application", At: env.Time(), Exchanges: []wire.Exchange{resp.Exchange}}
	steps = append(steps, keyStep)
	if err != nil {
		return nil, steps, err
	}
	if resp.Status != http.StatusOK {
		if resp.Error != nil {
			return nil, steps, resp.Error
		}
		return nil, steps, fmt.Errorf("the public-keys call answered HTTP %d", resp.Status)
	}
	set, err := jwtcheck.ParseJWKS([]byte(resp.Body))
	if err != nil {
		return nil, steps, err
	}
	steps[1].OK = true
	steps[1].WhatHappened = fmt.Sprintf("With the application's own token, authplay asked Space for the keys it signs requests with; %d key(s) came back, as a JSON string holding a key set.", len(set.Keys))
	return set, steps, nil
}
