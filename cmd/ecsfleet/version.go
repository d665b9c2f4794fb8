package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version or VCS revision from the build info is used.
var version = ""

const versionHelp = `Usage: ecsfleet version
       ecsfleet --version

Prints the ecsfleet version, the Go version and the platform.
`

func runVersion(args []string, io stdio) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if code, ok := parseFlags(fs, args, io, versionHelp, ""); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(io.err, "ecsfleet version: takes no arguments")
		return exitError
	}
	fmt.Fprintf(io.out, "ecsfleet %s (%s, %s/%s)\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}
