package spacetest

// What discovery says about the extensions (RFC 8414 §2 and the RFCs that
// add to it), so that a client can find each one rather than be told.

func (s *Server) addExtensionMetadata(doc map[string]any) {
	authMethods := []string{AuthClientSecretBasic, AuthClientSecretPost, AuthNone, AuthPrivateKeyJWT, AuthClientSecretJWT}
	if s.MTLSURL() != "" {
		authMethods = append(authMethods, AuthTLSClient, AuthSelfSignedTLS)
	}
	signing := append(algNames(keyAlgs), "HS256")
	for _, endpoint := range []string{"token_endpoint", "introspection_endpoint", "revocation_endpoint"} {
		doc[endpoint+"_auth_methods_supported"] = authMethods
		doc[endpoint+"_auth_signing_alg_values_supported"] = signing
	}
	grants, _ := doc["grant_types_supported"].([]string)
	doc["grant_types_supported"] = append(grants, GrantTypeTokenExchange, GrantTypeJWTBearer)
	doc["dpop_signing_alg_values_supported"] = algNames(dpopAlgs)
	doc["pushed_authorization_request_endpoint"] = s.URL + pathPAR
	doc["require_pushed_authorization_requests"] = s.ext.cfg.parRequired
	doc["request_parameter_supported"] = true
	doc["request_object_signing_alg_values_supported"] = signing
	// request_uri only as PAR hands it out: the server fetches nothing.
	doc["request_uri_parameter_supported"] = false
	if s.MTLSURL() != "" {
		doc["mtls_endpoint_aliases"] = s.mtlsAliases()
		doc["tls_client_certificate_bound_access_tokens"] = true
	}
}
