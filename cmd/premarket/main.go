// Command premarket turns a medical device's firmware build and design
// records into the cybersecurity evidence the FDA expects in a premarket
// submission: SBOMs, threat-model checks and a PDF evidence pack.
//
// This file only wires the commands; the work is done in the packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
)

// defaultMemoryLimit is the Go runtime's soft memory limit unless
// GOMEMLIMIT says otherwise: near it the garbage collector works harder
// instead of letting the heap double, which keeps a 10,000-component,
// 10,000-threat pack within a few hundred MB. It is a soft limit: larger
// inputs still complete, more slowly.
const defaultMemoryLimit = 400 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes, documented in --help and the README.
const (
	exitOK       = 0 // success, nothing fails the chosen policy
	exitFindings = 1 // findings fail the chosen policy
	exitUsage    = 2 // usage or input error
)

// exitError carries an exit code up to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// policyFailed is returned by commands whose findings fail the policy;
// the report has already been written.
var policyFailed = &exitError{code: exitFindings, err: errors.New("findings fail the chosen policy")}

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitUsage
}

func reportError(stderr interface{ Write([]byte) (int, error) }, err error) {
	if err == policyFailed {
		return
	}
	fmt.Fprintf(stderr, "premarket: %v\n", err)
}
