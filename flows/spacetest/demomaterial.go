package spacetest

// Published demo key material. Every key below is PUBLIC: it is printed by
// `authplay demo-server --print-client-key`, written in this source file and
// trusted by nothing but the built-in demo server, so that a newcomer can try
// key-based client authentication, the JWT-bearer grant and mutual TLS without
// making keys first. Never trust these keys anywhere else. They were generated
// once (RSA 2048 and P-256) and the certificates are valid from 2026 to 2126.

const (
	// DemoClientKeyPEM is the RSA half of demo-jwt-app's key pair (PKCS #8), which
	// `authplay demo-server --print-client-key` prints. It signs private_key_jwt
	// assertions (RS256, PS256) and JWT-bearer grant assertions for demo-app.
	DemoClientKeyPEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQD0jjbqE6JvBVbI
pHgarw5nilwsoOSme2vIPKr7wkd88QlUIrP/KW5OW8U4LB7v6vAliOcdoUc07IqI
fVoqbnoZMWgbcQ6HB8YS9dBS+4b3S2sJ8ViH1dvb6uHMmIwiKSVXQEIn++PG3HnB
XWXl8Wo1lnxN85BMQZ81F/YoBckidmdOlnkZOthH2/eqi/6tIy5FJEEb1zZldPvi
sjfy41cpXKPuB7UcvUQxyaOa/0BACYsulxvPlS89enbYQK2mI+oPXraay6JDySY9
k8pULpIJtCQMUlcySRgxdsx8/IhlXWv0wZcZ4YGk6PpKGvh4Y7DIhqIKjmpC+HOM
wCUP+OmDAgMBAAECggEAFpVz6WDmM39x0k/FGzdTfejo9mKAF9NQLERVLxbaK2Xg
JfaaDbQhqh3POo7XtCTLh+o6tMgTsp9hDOK0KwGOlMYBwBfMLvJFiEzn/JaaxTqG
bq6GR1Q1NfvDKo9jak76nxiUvQS5AtornXMGrNnpV3whC/SaowtXH8jDMOxiQYrK
0g7IKwoNXs+26KuyIK3r6+jY69OtircBPNVfX7QKguPrDdMaLjilSX9G8JEk4zRn
0ymm2GezY6nwFCSYBzgFNuFaPAEFggoPeXAkpjxkZRyMCdXCzaZRxi9QKx5UPs6i
pr51IIMmR5gkjnOqyC9guTh7jHHFgcfzHG2ApV9EeQKBgQD9n4OwNxBgqJIF5wyZ
H84UZRT7qTrkzrYWmF27Hfi2D7G9C94Rl+cGmT50ehLdMWjRTR1CbnapeRRt4oZ7
Kiwbrr/JO+IdqWK5qN6mA1OLQFUxt4aJoMjib6Zzq8+0LjK/SN+LYRfzrWTI0tcD
Ac39hPosFJ91WmaNY3whoNc5+QKBgQD22PIG5/fvoIdjOVBZ9XiswACVaVjbVTNq
XvnV5fVTgUY/qNg5lVdKmM2gWotVPXdaEd8ltvJpuWU2bI5N60kBwRPUUZTPCw/C
uCmEM3BXi13f03Yqk2UWLRtTFY1ZZL2oeNKzaAAxZ9DmprYv1YpDG26DnjU59+r/
sJftkhU+WwKBgQCuSycGvHCm3HGtWMERogfPgD/RStVMVLpSANe5Nbmr9FEjJ7qu
wINlx35iMVoxZDkyTRpkguFNSgY+FcRxc+PoCkmGk36q/7L3ABQyZmrNcaKajhMJ
FdO3uR7csyAEJRN+3Sey80Cwl2KBmFNmn6DeLrp1/J4w2bVMSSgPPCdskQKBgCGV
Gjg+TsjW+hRRs9DJSIWYCXxKPMB6MuiBy1OCWYHm0HvQqLoMyzdm2nK6XsJV/mrO
i6FB5nDjvBVPZ3zKScBnWB9Gigww4RAIpf1KUjpWx4qv5h+ctd/yewkuoXBL+FF3
PpMRzxTpns4CWD7hulGu5bYaS/t68wmeKM01VpaJAoGAWAjCo9OU40J7ixcanRGt
QfGgt6d0Y158zaiJf3m7uyfjOb9ZWsfnKPwHxvxRZmrXBQI4rgR3mTZyg7oSJepN
yZ0m4xCDUBwMtrFiqlKibzPl/31ZSaQxGe7x8xCMDhDnb2QIwNqz2GuOmmqu5dxo
wsAA8Cds9Kbg6hBrDRsYtxs=
-----END PRIVATE KEY-----
`

	// DemoClientECKeyPEM is demo-jwt-app's second key (P-256, PKCS #8), for ES256
	// assertions.
	DemoClientECKeyPEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1Eaya9vcLUIS8fMX
NJ/cxB1UPKDxfchu9sRSeZdABy+hRANCAATrvsi3hr0FqQ+wftCCUPlXXy7l5/nV
PHKaLcfH97zedlgg0LCKuixq860Fvb/h0chU+QgDnUEAvDGhd/dINIV5
-----END PRIVATE KEY-----
`

	// DemoClientCACertPEM is the certificate authority that issued
	// DemoClientCertPEM. The server trusts it for tls_client_auth and for nothing
	// else; its private key was thrown away after it signed.
	DemoClientCACertPEM = `-----BEGIN CERTIFICATE-----
MIIBqzCCAVCgAwIBAgIBATAKBggqhkjOPQQDAjA6MRYwFAYDVQQKEw1hdXRocGxh
eSBkZW1vMSAwHgYDVQQDExdhdXRocGxheSBkZW1vIGNsaWVudCBDQTAgFw0yNjAx
MDEwMDAwMDBaGA8yMTI2MDEwMTAwMDAwMFowOjEWMBQGA1UEChMNYXV0aHBsYXkg
ZGVtbzEgMB4GA1UEAxMXYXV0aHBsYXkgZGVtbyBjbGllbnQgQ0EwWTATBgcqhkjO
PQIBBggqhkjOPQMBBwNCAAS+/q16s9aS8hp6rwCkDlyav2CCH3kyBkKxK2DbmOYG
Qv6o2Jnt4bc314ZXFDQ+vZP5iU0qExAdxOZN7eLANRy2o0UwQzAOBgNVHQ8BAf8E
BAMCAgQwEgYDVR0TAQH/BAgwBgEB/wIBADAdBgNVHQ4EFgQUJcaLNGUpYuehYj7m
6BcgcLPzBAkwCgYIKoZIzj0EAwIDSQAwRgIhAP1CyUtCfv7BRQEBrAL/nYqiavlo
S1BlSpe0WLfhYmCYAiEA40WKXXMCxGJi8q9gyk4EFSc9ffx0xweq68R5n/NzEqQ=
-----END CERTIFICATE-----
`

	// DemoClientCertPEM is demo-mtls-app's certificate for tls_client_auth, issued
	// by DemoClientCACertPEM to the subject "CN=demo-mtls-app,O=authplay demo".
	DemoClientCertPEM = `-----BEGIN CERTIFICATE-----
MIIBozCCAUmgAwIBAgIBAjAKBggqhkjOPQQDAjA6MRYwFAYDVQQKEw1hdXRocGxh
eSBkZW1vMSAwHgYDVQQDExdhdXRocGxheSBkZW1vIGNsaWVudCBDQTAgFw0yNjAx
MDEwMDAwMDBaGA8yMTI2MDEwMTAwMDAwMFowMDEWMBQGA1UEChMNYXV0aHBsYXkg
ZGVtbzEWMBQGA1UEAxMNZGVtby1tdGxzLWFwcDBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABFgBCs4wVbuRYRYTvAbHlKZiYtgrHFfdUL5VPcofT9PnakPCBvWqJvLb
iVfb32cTk6n2hnCEvWpckKBkPDFEvAejSDBGMA4GA1UdDwEB/wQEAwIHgDATBgNV
HSUEDDAKBggrBgEFBQcDAjAfBgNVHSMEGDAWgBQlxos0ZSli56FiPuboFyBws/ME
CTAKBggqhkjOPQQDAgNIADBFAiA6PHIpAki3xhZwEMeo8A8DJpJd2xjtlziF7pal
EFiM8gIhAOMOMJ5xwdM5Wx2Wg1YqWoY7dLzyaMijdrYE+YiPUlG5
-----END CERTIFICATE-----
`

	// DemoClientCertKeyPEM is the private key of DemoClientCertPEM (P-256, PKCS #8).
	DemoClientCertKeyPEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgM7eJqRCcQcd2QrKB
0ggiJkgK7xud+DSglOkOYrbaP8+hRANCAARYAQrOMFW7kWEWE7wGx5SmYmLYKxxX
3VC+VT3KH0/T52pDwgb1qiby24lX299nE5Op9oZwhL1qXJCgZDwxRLwH
-----END PRIVATE KEY-----
`

	// DemoSelfSignedCertPEM is demo-mtls-app's self-signed certificate for
	// self_signed_tls_client_auth; the registration holds its SHA-256 thumbprint.
	DemoSelfSignedCertPEM = `-----BEGIN CERTIFICATE-----
MIIBlTCCATqgAwIBAgIBAzAKBggqhkjOPQQDAjA+MRYwFAYDVQQKEw1hdXRocGxh
eSBkZW1vMSQwIgYDVQQDExtkZW1vLW10bHMtYXBwIChzZWxmLXNpZ25lZCkwIBcN
MjYwMTAxMDAwMDAwWhgPMjEyNjAxMDEwMDAwMDBaMD4xFjAUBgNVBAoTDWF1dGhw
bGF5IGRlbW8xJDAiBgNVBAMTG2RlbW8tbXRscy1hcHAgKHNlbGYtc2lnbmVkKTBZ
MBMGByqGSM49AgEGCCqGSM49AwEHA0IABJ8LgT8K4VcIVhMtkJ+ipGERISAsAlyU
ebSHZw7y7T74txbgPKK40q6gCwKRHn7QTXLDaku+tqcToxWsL5X9hpijJzAlMA4G
A1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDAjAKBggqhkjOPQQDAgNJ
ADBGAiEApyW/XPKnHIqiHLFXgQ0v1u/QIwopGZ6WwC9+Rd/GkwQCIQDnrkTMNKdt
7ttPlgPVepmaOYA75982lsCpH5LOlpiB8Q==
-----END CERTIFICATE-----
`

	// DemoSelfSignedCertKeyPEM is the private key of DemoSelfSignedCertPEM (P-256, PKCS #8).
	DemoSelfSignedCertKeyPEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBmKTw+2g9WOyXmNf
aPjiUeZs5FUa+w4p4kF/lKo0hMqhRANCAASfC4E/CuFXCFYTLZCfoqRhESEgLAJc
lHm0h2cO8u0++LcW4DyiuNKuoAsCkR5+0E1yw2pLvranE6MVrC+V/YaY
-----END PRIVATE KEY-----
`
)
