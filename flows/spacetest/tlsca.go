package spacetest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The mTLS port's certificate authority: made once per directory and kept,
// so that a client told to trust it keeps trusting the server after a
// restart. Its name constraints confine it to loopback names, so trusting
// it lets it vouch for nothing but this machine.

const (
	caKeyFile  = "tls-ca-key.pem" // the CA's key and certificate; never leaves the directory
	caCertFile = "tls-ca.pem"     // the CA certificate alone, for clients to trust
	caLife     = 10 * 365 * 24 * time.Hour
	leafLife   = 30 * 24 * time.Hour
)

type localCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// loadOrCreateCA reads the CA in dir or makes one. Two servers starting on
// one fresh directory keep the first one's CA, as with the signing key.
func loadOrCreateCA(dir string, notice func(string)) (*localCA, error) {
	path := filepath.Join(dir, caKeyFile)
	ca, err := readCA(path)
	expired := false
	switch {
	case err == nil && time.Now().Add(leafLife).Before(ca.cert.NotAfter):
		return ca, nil
	case err == nil:
		expired = true
		notice(path + " holds a CA that expires at " + ca.cert.NotAfter.Format(time.RFC3339) + "; a new one replaces it, and clients must trust the new " + caCertFile)
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	fresh, pemBytes, err := newCA()
	if err != nil {
		return nil, err
	}
	if expired {
		return fresh, writeFileAtomic(path, pemBytes)
	}
	err = createFileOnce(path, pemBytes)
	if errors.Is(err, os.ErrExist) {
		return readCA(path)
	}
	if err != nil {
		return nil, err
	}
	return fresh, nil
}

func readCA(path string) (*localCA, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ca := &localCA{}
	for rest := b; ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		switch blk.Type {
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %w; move it aside to let a new CA be made", path, err)
			}
			signer, ok := k.(crypto.Signer)
			if !ok {
				return nil, fmt.Errorf("%s holds a %T, not a signing key; move it aside", path, k)
			}
			ca.key = signer
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %w; move it aside to let a new CA be made", path, err)
			}
			ca.cert = c
		}
	}
	if ca.key == nil || ca.cert == nil {
		return nil, fmt.Errorf("%s does not hold both a private key and a certificate; move it aside to let a new CA be made", path)
	}
	return ca, nil
}

func newCA() (*localCA, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "authplay demo-server local CA", Organization: []string{"authplay demo"}},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(caLife),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true,
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{"localhost"},
		PermittedIPRanges: []*net.IPNet{
			{IP: net.IPv4(127, 0, 0, 0), Mask: net.CIDRMask(8, 32)},
			{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	return &localCA{cert: cert, key: key}, out, nil
}

// serverCertificate issues a fresh certificate for the loopback names,
// made at each start: only the CA needs to be kept.
func (ca *localCA) serverCertificate() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "authplay demo-server", Organization: []string{"authplay demo"}},
		NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(leafLife),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func (ca *localCA) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw})
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
