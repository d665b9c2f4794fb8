package main

import "fmt"

// runValidate is a placeholder until the spec package lands (issue 3).
func runValidate(args []string, io stdio) int {
	fmt.Fprintln(io.err, "ecsfleet validate: not implemented yet")
	return exitError
}
