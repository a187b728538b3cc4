// probe-app: the workload ha-lab's end-to-end test deploys from a locally built image. At
// start it resolves kubernetes.default and calls the API server's /readyz through the
// Service ClusterIP, prints one line per check, then serves HTTP so the Deployment stays up.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

const caPath = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"

func check() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, "kubernetes.default.svc.cluster.local")
	if err != nil {
		fmt.Printf("dns: FAIL %v\n", err)
	} else {
		fmt.Printf("dns: OK kubernetes.default -> %v\n", addrs)
	}
	pool := x509.NewCertPool()
	if pem, err := os.ReadFile(caPath); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	host := os.Getenv("KUBERNETES_SERVICE_HOST")
	resp, err := client.Get(fmt.Sprintf("https://%s:%s/readyz", host, os.Getenv("KUBERNETES_SERVICE_PORT")))
	if err != nil {
		fmt.Printf("api: FAIL %v\n", err)
		return
	}
	resp.Body.Close()
	fmt.Printf("api: OK https://%s/readyz -> %d\n", host, resp.StatusCode)
}

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	go func() { _ = http.ListenAndServe(":8080", nil) }()
	for {
		check()
		time.Sleep(5 * time.Second)
	}
}
