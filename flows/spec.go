package flows

import "slices"

// Spec is everything a front door needs to know about a method, so none
// of them knows any method by name: what to tell a person choosing it, the
// fields a person fills in, and the stages its stepper shows. Adding a
// method means a machine, a Spec in specs, and nothing in ui or ui/cli.
type Spec struct {
	Info MethodInfo
	// Fields are the method's fields, in the order a person fills them.
	Fields []FieldID
	// Stages name the stepper's steps, "Configure" first and "Inspect"
	// last; stage says which one a state is at.
	Stages []string
	stage  func(State) int
}

// providerFields may be given for any method: where the keys are that check
// its tokens, and the API a token is tried on.
var providerFields = []FieldID{FieldJWKSURL, FieldAPIBase, FieldCAFile}

// Accepts says whether a field means something for the method.
func (s Spec) Accepts(id FieldID) bool {
	return slices.Contains(s.Fields, id) || slices.Contains(providerFields, id)
}

// FieldDefs describes the spec's fields.
func (s Spec) FieldDefs() []FieldDef {
	out := make([]FieldDef, 0, len(s.Fields))
	for _, id := range s.Fields {
		if f, ok := Field(id); ok {
			out = append(out, f)
		}
	}
	return out
}

// Stage is the index in Stages a state is at: Configure before anything
// ran, Inspect once authorized, the method's own steps between.
func (s Spec) Stage(st State) int {
	switch {
	case st.Phase == PhaseAuthorized:
		return len(s.Stages) - 1
	case s.stage != nil:
		return s.stage(st)
	}
	return 1
}

var clientFields = []FieldID{FieldClientID, FieldClientSecret}

// signingFields follow Client auth: the key that signs a client assertion
// (private_key_jwt) or a request object, and the TLS client certificate
// (tls_client_auth, self_signed_tls_client_auth) with the CA that vouches
// for the server's own certificate.
var signingFields = []FieldID{FieldPrivateKeyFile, FieldKeyID, FieldTLSCertFile, FieldTLSKeyFile, FieldCAFile}

var specs = []Spec{
	{
		Info:   AuthorizationCode.Info(),
		Fields: []FieldID{FieldAuthURL, FieldTokenURL, FieldClientID, FieldClientSecret, FieldRedirectURI, FieldScope, FieldResponseType, FieldResponseMode, FieldPKCE, FieldAccessType, FieldAuthStyle, FieldPrivateKeyFile, FieldKeyID, FieldTLSCertFile, FieldTLSKeyFile, FieldCAFile, FieldAuthParams, FieldTokenParams, FieldDPoP, FieldPAR, FieldRequestObject, FieldPARURL},
		Stages: []string{"Configure", "Sign in", "Exchange code", "Inspect"},
		stage: func(st State) int {
			if st.Phase == PhaseExchanging || (st.Phase == PhaseFailed && st.StateMatched) {
				return 2
			}
			return 1
		},
	},
	{
		Info:   ClientCredentials.Info(),
		Fields: slices.Concat([]FieldID{FieldTokenURL}, clientFields, []FieldID{FieldScope, FieldAuthStyle}, signingFields, []FieldID{FieldTokenParams, FieldDPoP}),
		Stages: []string{"Configure", "Request token", "Inspect"},
	},
	{
		Info:   DeviceCode.Info(),
		Fields: slices.Concat([]FieldID{FieldDeviceURL, FieldTokenURL}, clientFields, []FieldID{FieldScope, FieldAuthStyle}, signingFields, []FieldID{FieldAuthParams, FieldTokenParams, FieldDPoP}),
		Stages: []string{"Configure", "Get code", "Approve on a device", "Inspect"},
		stage: func(st State) int {
			if st.Device != nil {
				return 2
			}
			return 1
		},
	},
	{
		Info:   RefreshToken.Info(),
		Fields: slices.Concat([]FieldID{FieldTokenURL}, clientFields, []FieldID{FieldRefreshToken, FieldScope, FieldAuthStyle}, signingFields, []FieldID{FieldTokenParams, FieldDPoP}),
		Stages: []string{"Configure", "Refresh", "Inspect"},
	},
	{
		Info:   PermanentToken.Info(),
		Fields: []FieldID{FieldAPIBase, FieldToken, FieldDPoP},
		Stages: []string{"Configure", "Try it", "Inspect"},
	},
	{
		Info:   Password.Info(),
		Fields: slices.Concat([]FieldID{FieldTokenURL}, clientFields, []FieldID{FieldUsername, FieldPassword, FieldScope, FieldAccessType, FieldAuthStyle}, signingFields, []FieldID{FieldTokenParams, FieldDPoP}),
		Stages: []string{"Configure", "Request token", "Inspect"},
	},
	{
		Info:   Implicit.Info(),
		Fields: []FieldID{FieldAuthURL, FieldClientID, FieldRedirectURI, FieldScope, FieldResponseType, FieldResponseMode, FieldAuthParams},
		Stages: []string{"Configure", "Sign in", "Inspect"},
	},
	tokenExchangeSpec,
	jwtBearerSpec,
}

// Specs lists every method's spec in the order a learner should meet them.
func Specs() []Spec { return append([]Spec(nil), specs...) }

// SpecOf is one method's spec; an unknown method gets a bare one.
func SpecOf(m Method) Spec {
	for _, s := range specs {
		if s.Info.Method == m {
			return s
		}
	}
	return Spec{Info: m.Info(), Stages: []string{"Configure", "Run", "Inspect"}}
}
