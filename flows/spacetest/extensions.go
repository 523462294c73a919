package spacetest

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Standard extensions that Space itself lacks (device authorization,
// discovery, introspection, revocation, userinfo). They are here so that every
// method authplay teaches can be played offline; authplay labels them.

func (s *Server) handleDeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	form, oerr := readForm(w, r)
	if oerr == nil {
		var app *App
		if app, oerr = s.authenticateClient(r, form); oerr == nil {
			scope := requestedScope(form)
			switch {
			case !app.DeviceFlow:
				oerr = badRequest("unauthorized_client", "the device authorization flow is not enabled for this application")
			case app.scopeProblem(scope) != "":
				oerr = badRequest("invalid_scope", app.scopeProblem(scope))
			default:
				g := &deviceGrant{
					DeviceCode: "spdc-" + randomID(20), UserCode: userCode(), ClientID: app.ClientID, Scope: scope,
					Expires: s.now().Add(s.cfg.deviceTTL), Interval: s.cfg.deviceInterval, Status: "pending",
				}
				s.mu.Lock()
				s.devices.put(g.DeviceCode, g)
				s.mu.Unlock()
				writeJSON(w, http.StatusOK, map[string]any{
					"device_code": g.DeviceCode, "user_code": g.UserCode,
					"verification_uri":          s.URL + "/device",
					"verification_uri_complete": s.URL + "/device?user_code=" + url.QueryEscape(g.UserCode),
					"expires_in":                int64(s.cfg.deviceTTL / time.Second),
					"interval":                  int64(s.cfg.deviceInterval / time.Second),
				})
				return
			}
		}
	}
	writeOAuthError(w, oerr)
}

func normalizeUserCode(c string) string {
	c = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(c), " ", ""))
	if len(c) == 8 && !strings.Contains(c, "-") {
		c = c[:4] + "-" + c[4:]
	}
	return c
}

func (s *Server) decideDevice(code string, u *User, accept bool) error {
	code = normalizeUserCode(code)
	s.mu.Lock()
	defer s.mu.Unlock()
	var found *deviceGrant
	s.devices.each(func(_ string, g *deviceGrant) bool {
		if g.UserCode == code {
			found = g
		}
		return found == nil
	})
	switch {
	case found == nil:
		return errors.New("no device is waiting with code " + code)
	case found.Status != "pending" || s.now().After(found.Expires):
		return errors.New("that code was already used or has expired")
	}
	found.UserID = u.ID
	found.Status = "denied"
	if accept {
		found.Status = "approved"
	}
	return nil
}

type devicePage struct {
	Code, Msg string
	Bad, Done bool
	User      *User
}

func (s *Server) handleDevicePage(w http.ResponseWriter, r *http.Request) {
	render(w, http.StatusOK, "device", devicePage{Code: r.URL.Query().Get("user_code"), User: s.sessionUser(r)})
}

func (s *Server) handleDeviceSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		render(w, http.StatusBadRequest, "device", devicePage{Msg: "The form could not be read.", Bad: true})
		return
	}
	code := r.PostForm.Get("user_code")
	u := s.sessionUser(r)
	if u == nil {
		u = s.signIn(w, r.PostForm.Get("username"), r.PostForm.Get("password"))
	}
	if u == nil {
		render(w, http.StatusOK, "device", devicePage{Code: code, Msg: "That username and password do not match.", Bad: true})
		return
	}
	accept := r.PostForm.Get("decision") == "accept"
	if err := s.decideDevice(code, u, accept); err != nil {
		render(w, http.StatusOK, "device", devicePage{Code: code, User: u, Msg: err.Error(), Bad: true})
		return
	}
	msg := "Done. The device is connected; you can close this page."
	if !accept {
		msg = "Cancelled. The device will be told you said no."
	}
	render(w, http.StatusOK, "device", devicePage{Msg: msg, Done: true, User: u})
}

func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	doc := map[string]any{
		"issuer":                                s.URL,
		"authorization_endpoint":                s.URL + "/oauth/auth",
		"token_endpoint":                        s.URL + "/oauth/token",
		"jwks_uri":                              s.URL + "/oauth/jwks.json",
		"device_authorization_endpoint":         s.URL + "/oauth/device",
		"introspection_endpoint":                s.URL + "/oauth/introspect",
		"revocation_endpoint":                   s.URL + "/oauth/revoke",
		"userinfo_endpoint":                     s.URL + "/oauth/userinfo",
		"response_types_supported":              []string{"code", "token"},
		"grant_types_supported":                 []string{"authorization_code", "client_credentials", "password", "refresh_token", "implicit", deviceGrantType},
		"code_challenge_methods_supported":      []string{"plain", "S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"scopes_supported":                      []string{"**", "openid", "profile", "email"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS512"},
		"service_documentation":                 "built-in Space-compatible demo server (discovery is an extension: Space publishes none)",
	}
	if s.cfg.headlessApprove {
		// Labelled as authplay's own: it tells authplay's lab and probe that
		// this is the built-in server, which can approve without a browser.
		doc["authplay_demo_approval_endpoint"] = s.URL + "/demo/approve"
	}
	s.addExtensionMetadata(doc)
	writeJSON(w, http.StatusOK, doc)
}

func (s *Server) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	form, oerr := readForm(w, r)
	if oerr == nil {
		if _, oerr = s.authenticateClient(r, form); oerr == nil {
			writeJSON(w, http.StatusOK, s.introspect(form.Get("token")))
			return
		}
	}
	writeOAuthError(w, oerr)
}

// introspect answers RFC 7662: inactive tokens say only {"active": false}.
func (s *Server) introspect(tok string) map[string]any {
	if info, err := s.bearer(tok); err == nil {
		out := map[string]any{"active": true, "scope": info.Scope, "client_id": info.ClientID, "token_type": "Bearer", "sub": info.Subject, "iss": s.URL}
		if info.Username != "" {
			out["username"] = info.Username
		}
		if !info.Expires.IsZero() {
			out["exp"] = info.Expires.Unix()
		}
		addBindingToIntrospection(out, info)
		return out
	}
	if g := s.activeRefresh(tok); g != nil {
		return map[string]any{"active": true, "scope": g.Scope, "client_id": g.ClientID, "token_type": "refresh_token", "sub": g.UserID, "iss": s.URL}
	}
	return map[string]any{"active": false}
}

func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	form, oerr := readForm(w, r)
	if oerr == nil {
		var app *App
		if app, oerr = s.authenticateClient(r, form); oerr == nil {
			if form.Get("token") == "" {
				writeOAuthError(w, badRequest("invalid_request", "token is missing"))
				return
			}
			if oerr = s.revokeToken(app, form.Get("token")); oerr == nil {
				w.WriteHeader(http.StatusOK) // RFC 7009 §2.2: 200 even for unknown tokens
				return
			}
		}
	}
	writeOAuthError(w, oerr)
}

// revokeToken revokes the whole family of the token, refresh or access:
// RFC 7009 §2.1 allows revoking an access token's refresh token too, and a
// refresh token left alive would only mint access tokens already revoked.
func (s *Server) revokeToken(app *App, tok string) *oauthError {
	st, err := s.grants.lookupRefresh(tok)
	if err != nil {
		return s.storeFailure(err)
	}
	if g := st.grant; g != nil && g.ClientID == app.ClientID {
		if err := s.revokeFamily(g.Sid, g.UserID, g.ClientID); err != nil {
			return s.storeFailure(err)
		}
		return nil
	}
	if info, err := s.bearer(tok); err == nil && info.ClientID == app.ClientID && info.Sid != "" {
		if err := s.revokeFamily(info.Sid, info.Subject, info.ClientID); err != nil {
			return s.storeFailure(err)
		}
	}
	return nil
}

func (s *Server) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	info, aerr := s.authenticateAPI(r)
	if aerr != nil {
		writeAPIError(w, aerr)
		return
	}
	u := s.userByID(info.Subject)
	if u == nil || info.Kind != principalUser {
		writeAPIError(w, userOnly())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": u.ID, "name": u.FirstName + " " + u.LastName, "preferred_username": u.Username, "email": u.Email})
}

// ApproveDevice approves (or denies) a pending device authorization as
// username, as the /device page would.
func (s *Server) ApproveDevice(userCode, username string, accept bool) error {
	s.mu.Lock()
	u := s.users[username]
	s.mu.Unlock()
	if u == nil {
		return errNoUser
	}
	return s.decideDevice(userCode, u, accept)
}
