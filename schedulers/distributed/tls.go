package distributed

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// TLSConfigFromFiles builds a TLS configuration: with certFile and keyFile it can serve (a
// scheduler, a worker's peer listener); with caFile it verifies the other end against that CA
// (serverName, when set, is the name the certificate must carry). All connections of a cluster
// then use TLS, and the token is still proved on top.
func TLSConfigFromFiles(certFile, keyFile, caFile, serverName string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS13, ServerName: serverName}
	if certFile != "" || keyFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("TLS certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("TLS CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA %s: no certificate found", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// tlsFromEnvironment returns the TLS configuration the environment describes, or nil.
func tlsFromEnvironment() *tls.Config {
	ca, cert, key := os.Getenv(EnvTLSCA), os.Getenv(EnvTLSCert), os.Getenv(EnvTLSKey)
	if ca == "" && cert == "" {
		return nil
	}
	cfg, err := TLSConfigFromFiles(cert, key, ca, os.Getenv("LAZYGRAPH_TLS_SERVER_NAME"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "lazygraph: %v\n", err)
		return nil
	}
	return cfg
}
