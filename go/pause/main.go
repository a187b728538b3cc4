// The pause container: holds a pod's namespaces, sleeps, reaps orphaned children and
// exits on SIGINT/SIGTERM, like the upstream C program it stands in for.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// Like upstream's pause.c: `-v` prints a version and exits 0. kubeadm's upgrade health
	// check runs exactly that as a Job and waits for it to complete.
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		os.Stdout.WriteString("pause.c (ha-lab, built from go/pause)\n")
		os.Exit(0)
	}
	if os.Getpid() != 1 {
		os.Stderr.WriteString("Warning: pause should be the first process\n")
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		if sig == syscall.SIGCHLD {
			reapChildren()
			continue
		}
		os.Exit(0)
	}
}

func reapChildren() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
