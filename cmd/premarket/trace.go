package main

import "github.com/spf13/cobra"

// newTMTraceCmd is wired once the trace package exists.
func newTMTraceCmd(g *globalOptions) *cobra.Command { return nil }
