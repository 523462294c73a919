package ui

import (
	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// Profile is a provider with a client registration, ready to fill a form.
type Profile struct {
	Name   string
	Params flows.Params
	Creds  flows.Credentials
	// PermanentToken fills the bring-a-token field.
	PermanentToken flows.Secret
	// SigningKey is the application's key for verifying Space's requests.
	SigningKey flows.Secret
	// Saved is the profile as written in profiles.json (nil for the demo).
	Saved *store.Profile
	// Problem says why the profile is not usable as is (an unset secret variable).
	Problem string
}

// seedFor is the token the profile brings to a method that takes one.
func (p Profile) seedFor(m flows.Method) flows.Secret {
	if flows.SpecOf(m).Accepts(flows.FieldToken) {
		return p.PermanentToken
	}
	return ""
}

// ProfileFromStore turns a saved profile into one the program can run,
// resolving its secret references; a reference that cannot be resolved
// leaves the secret empty and says why.
func ProfileFromStore(sp store.Profile) Profile {
	p := Profile{Name: sp.Name, Saved: &sp}
	params, err := sp.Params()
	if err != nil {
		p.Problem = err.Error()
		return p
	}
	p.Params = params
	creds, err := sp.Credentials()
	if err != nil {
		p.Problem = err.Error()
	}
	p.Creds = creds
	return p
}
