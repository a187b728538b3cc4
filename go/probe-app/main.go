// probe-app: the workload ha-lab deploys from a locally built image (the e2e test, and
// scenarios that must keep a workload answering). At start it resolves kubernetes.default
// and calls the API server's /readyz through the Service ClusterIP, printing one line per
// check; it serves HTTP on :8080, where / answers "ok <hostname>" so a probe's record says
// which pod answered.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
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
	hostname, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "ok %s\n", hostname) })
	server := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Printf("serve: FAIL %v\n", err)
			os.Exit(1)
		}
	}()

	// PID 1 in a container gets no default SIGTERM handling: without this the pod would sit
	// out its whole grace period and then be killed mid-request.
	stop, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	ticker := time.NewTicker(5 * time.Second)
	defer ticker.Stop()
	check()
	for {
		select {
		case <-ticker.C:
			check()
		case <-stop.Done():
			// Requests already accepted finish; new connections are refused from here on.
			ctx, done := context.WithTimeout(context.Background(), 5*time.Second)
			err := server.Shutdown(ctx)
			done()
			if err != nil {
				fmt.Printf("shutdown: %v\n", err)
			}
			return
		}
	}
}
