package main

import "fmt"

// runSim is a placeholder until the simulator lands (issue 2).
func runSim(args []string, io stdio) int {
	fmt.Fprintln(io.err, "ecsfleet sim: not implemented yet")
	return exitError
}
