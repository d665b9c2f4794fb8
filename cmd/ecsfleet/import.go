package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/ecsfleet/ecsfleet/plan"
	"github.com/ecsfleet/ecsfleet/spec"
)

const importHelp = `Usage: ecsfleet import --name FLEET [--name-prefix PREFIX ...] [--tag KEY=VALUE ...] --out FILE.yaml

Writes a fleet file for servers that exist without any ecsfleet mark (made
by hand, by a console, by another tool), so that ecsfleet can take them
over. It only reads the cloud. The servers are chosen by --name-prefix (a
server whose name starts with one of them) and --tag (a server that carries
every one of them); at least one filter is required: importing a whole
project by accident is not wanted. Servers of a fleet (with the tag
ecsfleet=<fleet>) are never imported.

Servers with the same template (AZ, flavor, image, VPC, subnets, security
groups, keypair, server group, root and data volumes, power state, tags,
metadata, description) are grouped: NAME-0001..NAME-000N of one template
become a server set NAME with count N; any other server becomes a set of
one named by its own name. Ids are written as names. The keypairs and
server groups the servers use are listed too. Each server left out is
named on stderr with the reason.

Not imported: admin passwords (the API never shows them), user data (it
may hold secrets; servers whose user data the API shows are named), fixed
IP addresses (new members get theirs from the cloud).

The servers chosen are recorded in .ecsfleet/imported-FLEET.json: a
server without the fleet's mark can be taken over only if an import chose
it (neither the fleet file nor a flag can make ecsfleet change a server it
does not own), so run plan and apply from this directory. Then review the
file and take the servers over:
  ecsfleet plan -f FILE.yaml             # the servers show as '?': to adopt
  ecsfleet apply -f FILE.yaml --adopt    # gives them the fleet's tags, nothing else
Apply without --adopt refuses. What differs and can change in place (after
you edit the file) is changed by the next plan, as for any member.

Flags (written with one dash or two):
`

const importFooter = `
Exit status:
  0  the file was written
  1  error: a missing or wrong flag, an existing --out file, no server to import, an unreachable cloud

%s
Example:
  ecsfleet import --name web-tier --name-prefix web --out web-tier.yaml
`

// runImport is `ecsfleet import`: read the project, write a fleet file
// for the unowned servers the filters select (plan.Import does the work).
func runImport(args []string, io stdio) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	name := fs.String("name", "", "the `FLEET` name the file gives the servers (the value of their ecsfleet tag once adopted); required")
	var prefixes, tags stringList
	fs.Var(&prefixes, "name-prefix", "import servers whose name starts with `PREFIX` (repeatable: any of them)")
	fs.Var(&tags, "tag", "import servers that carry the tag `KEY=VALUE` (repeatable: all of them)")
	out := fs.String("out", "", "write the fleet file to `FILE.yaml`, which must not exist; required")
	var cf cloudFlags
	cf.register(fs)
	if code, ok := parseFlags(fs, args, io, importHelp, fmt.Sprintf(importFooter, cloudEnv)); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(io.err, "ecsfleet import: unexpected arguments (not shown: one may be a secret); the flags are --name, --name-prefix, --tag and --out")
		return exitError
	}
	o := plan.ImportOptions{Fleet: *name, NamePrefixes: prefixes, File: *out}
	var bad []string
	if *name == "" {
		bad = append(bad, "--name FLEET is required: the fleet the servers will belong to")
	}
	if *out == "" {
		bad = append(bad, "--out FILE.yaml is required")
	} else if err := checkImportOut(*out); err != nil {
		bad = append(bad, fmt.Sprintf("--out %s: %v", *out, err))
	}
	for _, t := range tags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			bad = append(bad, fmt.Sprintf("--tag %s: give KEY=VALUE", t))
			continue
		}
		if o.Tags == nil {
			o.Tags = map[string]string{}
		}
		o.Tags[k] = v
	}
	if len(prefixes) == 0 && len(tags) == 0 {
		bad = append(bad, plan.ErrNoFilter.Error())
	}
	if len(bad) > 0 {
		for _, b := range bad {
			fmt.Fprintf(io.err, "ecsfleet import: %s\n", b)
		}
		fmt.Fprintln(io.err, "Run 'ecsfleet import -h' for the flags.")
		return exitError
	}
	o.Command = importCommand(o)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := connect(ctx, cf, os.Getenv, "", io.err)
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet import: %v\n", err)
		return exitError
	}
	defer c.Close()
	im, err := plan.Import(ctx, c.client, o)
	if err != nil {
		if ctx.Err() != nil {
			err = errInterrupted
		}
		fmt.Fprintf(io.err, "ecsfleet import: %s\n", c.explain(err))
		return exitError
	}
	for _, s := range im.Skipped {
		fmt.Fprintf(io.err, "skipped %s (%s): %s\n", s.Name, s.ID, s.Reason)
	}
	if len(im.Sets) == 0 {
		fmt.Fprintf(io.err, "ecsfleet import: no server to import: none without an ecsfleet mark matches the filters%s; nothing was written\n", skippedNote(len(im.Skipped)))
		return exitError
	}
	y, err := im.YAML()
	if err == nil {
		// The file must be one validate accepts: check before writing.
		if _, diags := spec.Parse(*out, y, spec.LoadOptions{}); diags.HasErrors() {
			err = fmt.Errorf("the file made does not validate (a bug of ecsfleet, please report it): %v", diags)
		}
	}
	if err == nil {
		err = writeNew(*out, y)
	}
	record := plan.ImportRecordPath(stateDir, im.Fleet)
	if err == nil {
		if err = plan.WriteImportRecord(record, im.Record()); err != nil {
			err = fmt.Errorf("%s was written, but the record of the servers it takes over was not: %w (run the import again with another --out)", *out, err)
		}
	}
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet import: %v\n", err)
		return exitError
	}
	for _, n := range im.Notes {
		fmt.Fprintf(io.err, "note: %s\n", n)
	}
	var sets []string
	for _, s := range im.Sets {
		if len(s.Members) > 1 {
			sets = append(sets, fmt.Sprintf("%s ×%d", s.Name, len(s.Members)))
		} else {
			sets = append(sets, s.Name)
		}
	}
	fmt.Fprintf(io.err, "Imported %d %s into %d %s of fleet %s (%s)%s; wrote %s.\n",
		im.Servers(), plural(im.Servers(), "server", "servers"), len(im.Sets), plural(len(im.Sets), "server set", "server sets"), im.Fleet,
		strings.Join(sets, ", "), skippedNote(len(im.Skipped)), *out)
	fmt.Fprintf(io.err, "Recorded them in %s: only the servers an import chose can be adopted, from this directory.\n", record)
	fmt.Fprintf(io.err, "Review it, then: ecsfleet plan -f %s; ecsfleet apply -f %s --adopt\n", *out, *out)
	return exitOK
}

func skippedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d %s skipped (above, with why)", n, plural(n, "server", "servers"))
}

// importCommand is the command line as the file's header records it.
func importCommand(o plan.ImportOptions) string {
	parts := []string{"ecsfleet import --name " + o.Fleet}
	for _, p := range o.NamePrefixes {
		parts = append(parts, "--name-prefix "+p)
	}
	for _, k := range sortedTagKeys(o.Tags) {
		parts = append(parts, "--tag "+k+"="+o.Tags[k])
	}
	return strings.Join(parts, " ")
}

func sortedTagKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// checkImportOut says why the fleet file cannot be written at path, before
// the cloud is read: it exists (never overwritten), it is not YAML, or its
// directory is missing.
func checkImportOut(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
	default:
		return errors.New("the file is written in YAML: give a name ending in .yaml or .yml")
	}
	if _, err := os.Lstat(path); err == nil {
		return errors.New("exists; ecsfleet import never overwrites a file: give another name, or remove it first")
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("directory %s does not exist", dir)
	}
	return nil
}

// writeNew writes a file that must not exist yet (O_EXCL: not even one
// created since the check).
func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("--out %s: exists; ecsfleet import never overwrites a file", path)
		}
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// stateDir is the working directory's ecsfleet state: the journal, the
// embedded simulator's state, the lock's holder file, import records.
const stateDir = ".ecsfleet"

// importedServers reads the servers `ecsfleet import` chose for fleet
// (plan.Options.Imported); a broken record is reported and is false.
func importedServers(cmd, fleet string, io stdio) (map[string]string, bool) {
	m, err := plan.ReadImportRecord(plan.ImportRecordPath(stateDir, fleet))
	if err != nil {
		fmt.Fprintf(io.err, "ecsfleet %s: %v\n", cmd, err)
		return nil, false
	}
	return m, true
}
