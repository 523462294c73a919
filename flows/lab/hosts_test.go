package lab_test

import (
	"strings"
	"testing"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/flows/lab"
)

func TestRemoteHostsLeaveThisMachineOut(t *testing.T) {
	p := flows.Provider{AuthURL: "https://id.example/auth", TokenURL: "https://id.example/token", RevokeURL: "http://localhost:8080/revoke",
		IntrospectURL: "http://127.0.0.1:9/introspect", APIBase: "https://api.example/v1", UserinfoURL: "http://[::1]/userinfo"}
	if got := lab.RemoteHosts(p); strings.Join(got, ",") != "id.example,api.example" {
		t.Fatalf("remote hosts %v", got)
	}
	if got := lab.RemoteHosts(flows.Provider{AuthURL: "http://127.0.0.1:1/a", TokenURL: "http://localhost/t"}); got != nil {
		t.Fatalf("loopback counted as remote: %v", got)
	}
}
