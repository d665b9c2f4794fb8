package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
)

// The sim subcommands other than serve change the cloud behind ecsfleet's
// back, as a person at the console would: for demos of drift and for drift
// tests. They act on the cloud apply uses (the embedded simulator's state
// in .ecsfleet/sim-state.json, or HCS_ECS_ENDPOINT), through the same API
// client, and wait for the job when there is one.

const simCtlFooter = `
Exit status:
  0  done
  1  error: no such server, a name shared by several servers, the API refused

The cloud is the one 'ecsfleet apply' uses: the embedded simulator (its
state in .ecsfleet/sim-state.json of this directory) when HCS_ECS_ENDPOINT
is unset, else that endpoint. SERVER is a server's id, or its name when
exactly one server has it.
`

const simLsHelp = `Usage: ecsfleet sim ls

Lists the servers of the cloud: name, id, status, flavor and tags, by name.
`

const simRenameHelp = `Usage: ecsfleet sim rename SERVER NEWNAME

Renames a server (5.2.6), as someone at the console would; 'ecsfleet drift'
then reports it.
`

const simResizeHelp = `Usage: ecsfleet sim resize SERVER FLAVOR

Changes a server's flavor (5.21.1, mode withStopServer: a running server is
stopped, resized and started again) and waits for the job.
`

const simDeleteHelp = `Usage: ecsfleet sim delete SERVER

Deletes a server (5.2.3; its data volumes are kept) and waits for the job.
`

const simTagHelp = `Usage: ecsfleet sim tag SERVER KEY=VALUE

Adds a tag to a server, or changes its value (5.13.2). Removing the tag
ecsfleet=<fleet> takes the server out of its fleet: see 'ecsfleet sim untag'.
`

const simUntagHelp = `Usage: ecsfleet sim untag SERVER KEY

Removes a tag from a server (5.13.1), whatever its value.
`

// simCtl parses a sim subcommand's flags and checks it got want
// arguments (named in what, for the message).
func simCtl(name, help string, args []string, io stdio, what ...string) ([]string, int, bool) {
	fs := flag.NewFlagSet("sim "+name, flag.ContinueOnError)
	if code, ok := parseFlags(fs, args, io, help, simCtlFooter); !ok {
		return nil, code, false
	}
	if fs.NArg() != len(what) {
		usage := "ecsfleet sim " + name
		for _, w := range what {
			usage += " " + w
		}
		fmt.Fprintf(io.err, "ecsfleet sim %s: want %s (run 'ecsfleet sim %s -h' for help)\n", name, usage, name)
		return nil, exitError, false
	}
	return fs.Args(), exitOK, true
}

// simSession is the cloud a sim subcommand acts on, and the interrupt
// that ends its wait.
type simSession struct {
	name  string
	io    stdio
	ctx   context.Context
	stop  context.CancelFunc
	cloud *cloud
}

func openSim(name string, io stdio) (*simSession, bool) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c, err := connect(ctx, cloudFlags{}, os.Getenv, "", io.err)
	if err != nil {
		stop()
		fmt.Fprintf(io.err, "ecsfleet sim %s: %v\n", name, err)
		return nil, false
	}
	// These commands exist to play someone at the console of a simulator:
	// never let a stray HCS_ECS_ENDPOINT turn them on a real cloud.
	if !c.simulated && name != "ls" && !loopback(c.endpoint) {
		c.Close()
		stop()
		fmt.Fprintf(io.err, "ecsfleet sim %s: refused: HCS_ECS_ENDPOINT (%s) is not a simulator on this machine; 'ecsfleet sim' changes only the embedded simulator or one on a loopback address\n", name, c.endpoint)
		return nil, false
	}
	return &simSession{name: name, io: io, ctx: ctx, stop: stop, cloud: c}, true
}

func (s *simSession) Close() {
	s.cloud.Close()
	s.stop()
}

// fail reports err in one line and returns exitError.
func (s *simSession) fail(err error) int {
	if s.ctx.Err() != nil {
		err = errors.New("interrupted")
	}
	msg := s.cloud.explain(err)
	var ae *ecs.Error
	if errors.As(err, &ae) && ae.Message != "" {
		msg = fmt.Sprintf("the cloud refused (HTTP %d %s): %s", ae.StatusCode, ae.Code, ae.Message)
	}
	fmt.Fprintf(s.io.err, "ecsfleet sim %s: %s\n", s.name, msg)
	return exitError
}

// servers lists every server of the project.
func (s *simSession) servers() ([]ecs.Server, error) {
	return s.cloud.client.ListServersDetailAll(s.ctx, ecs.ListServersOptions{Limit: ecs.MaxPageSize})
}

// find is the server that ref names: its id, else its name when exactly
// one server has it.
func (s *simSession) find(ref string) (*ecs.Server, error) {
	all, err := s.servers()
	if err != nil {
		return nil, err
	}
	var named []ecs.Server
	for i := range all {
		if all[i].ID == ref {
			return &all[i], nil
		}
		if all[i].Name == ref {
			named = append(named, all[i])
		}
	}
	switch len(named) {
	case 0:
		return nil, fmt.Errorf("no server has the name or id %q ('ecsfleet sim ls' lists them)", ref)
	case 1:
		return &named[0], nil
	}
	ids := make([]string, len(named))
	for i, n := range named {
		ids[i] = n.ID
	}
	return nil, fmt.Errorf("%d servers are named %q; give one of their ids: %s", len(named), ref, strings.Join(ids, ", "))
}

// wait waits for a job on the cloud's clock (expected is its documented
// duration). A resize or delete answered without a job id has nothing to
// wait for.
func (s *simSession) wait(job *ecs.JobResponse, expected time.Duration) error {
	if job == nil || job.JobID == "" {
		return nil
	}
	scaled := func(d time.Duration) time.Duration {
		return max(time.Millisecond, time.Duration(float64(d)/s.cloud.timeScale))
	}
	_, err := s.cloud.client.WaitJob(s.ctx, job.JobID, ecs.WaitOptions{
		Expected:    scaled(expected),
		MinInterval: scaled(time.Second),
		MaxInterval: scaled(30 * time.Second),
		Timeout:     scaled(30 * time.Minute),
	})
	return err
}

// label is how a line names a server: its name and id.
func label(srv *ecs.Server) string {
	return fmt.Sprintf("%s (%s)", srv.Name, srv.ID)
}

func runSimLs(args []string, io stdio) int {
	if _, code, ok := simCtl("ls", simLsHelp, args, io); !ok {
		return code
	}
	s, ok := openSim("ls", io)
	if !ok {
		return exitError
	}
	defer s.Close()
	all, err := s.servers()
	if err != nil {
		return s.fail(err)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	tw := tabwriter.NewWriter(io.out, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tSTATUS\tFLAVOR\tTAGS")
	for _, srv := range all {
		tags := srv.TagMap()
		keys := make([]string, 0, len(tags))
		for k := range tags {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		pairs := make([]string, len(keys))
		for i, k := range keys {
			pairs[i] = k + "=" + tags[k]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", srv.Name, srv.ID, srv.Status, srv.Flavor.ID, strings.Join(pairs, ","))
	}
	tw.Flush()
	fmt.Fprintf(io.out, "%d %s\n", len(all), plural(len(all), "server", "servers"))
	return exitOK
}

// errRefused is a change a console command will not make, said as is.
type errRefused string

func (e errRefused) Error() string { return string(e) }

// simChange is the skeleton of the console commands: parse SERVER and the
// other arguments, open the cloud, find the server, make the change, and
// print its one line.
func simChange(name, help string, args []string, io stdio, act func(s *simSession, srv *ecs.Server, a []string) (string, error), argNames ...string) int {
	a, code, ok := simCtl(name, help, args, io, argNames...)
	if !ok {
		return code
	}
	s, ok := openSim(name, io)
	if !ok {
		return exitError
	}
	defer s.Close()
	srv, err := s.find(a[0])
	if err != nil {
		return s.fail(err)
	}
	done, err := act(s, srv, a)
	var refused errRefused
	switch {
	case errors.As(err, &refused):
		fmt.Fprintf(io.err, "ecsfleet sim %s: %s\n", name, refused)
		return exitError
	case err != nil:
		return s.fail(err)
	}
	fmt.Fprintln(io.out, done)
	return exitOK
}

func runSimRename(args []string, io stdio) int {
	return simChange("rename", simRenameHelp, args, io, func(s *simSession, srv *ecs.Server, a []string) (string, error) {
		_, err := s.cloud.client.ModifyServer(s.ctx, srv.ID, ecs.ModifyServer{Name: &a[1]})
		return fmt.Sprintf("Renamed %s to %s.", label(srv), a[1]), err
	}, "SERVER", "NEWNAME")
}

func runSimResize(args []string, io stdio) int {
	return simChange("resize", simResizeHelp, args, io, func(s *simSession, srv *ecs.Server, a []string) (string, error) {
		if srv.Flavor.ID == a[1] {
			return "", errRefused(fmt.Sprintf("%s already has flavor %s", label(srv), a[1]))
		}
		job, err := s.cloud.client.ResizeServer(s.ctx, srv.ID, ecs.ResizeSpec{FlavorRef: a[1], Mode: "withStopServer"})
		if err == nil {
			err = s.wait(job, 90*time.Second)
		}
		return fmt.Sprintf("Resized %s from %s to %s.", label(srv), srv.Flavor.ID, a[1]), err
	}, "SERVER", "FLAVOR")
}

func runSimDelete(args []string, io stdio) int {
	return simChange("delete", simDeleteHelp, args, io, func(s *simSession, srv *ecs.Server, a []string) (string, error) {
		job, err := s.cloud.client.DeleteServers(s.ctx, &ecs.DeleteServersRequest{Servers: []ecs.IDRef{{ID: srv.ID}}})
		if err == nil {
			err = s.wait(job, 20*time.Second)
		}
		return fmt.Sprintf("Deleted %s.", label(srv)), err
	}, "SERVER")
}

func runSimTag(args []string, io stdio) int {
	return simChange("tag", simTagHelp, args, io, func(s *simSession, srv *ecs.Server, a []string) (string, error) {
		key, value, found := strings.Cut(a[1], "=")
		if !found || key == "" {
			return "", errRefused("want the tag as KEY=VALUE")
		}
		err := s.cloud.client.AddTags(s.ctx, srv.ID, []ecs.Tag{{Key: key, Value: value}})
		return fmt.Sprintf("Tagged %s with %s=%s.", label(srv), key, value), err
	}, "SERVER", "KEY=VALUE")
}

func runSimUntag(args []string, io stdio) int {
	return simChange("untag", simUntagHelp, args, io, func(s *simSession, srv *ecs.Server, a []string) (string, error) {
		if _, has := srv.TagMap()[a[1]]; !has {
			return "", errRefused(fmt.Sprintf("%s has no tag %s", label(srv), a[1]))
		}
		err := s.cloud.client.DeleteTags(s.ctx, srv.ID, []ecs.Tag{{Key: a[1]}})
		return fmt.Sprintf("Removed the tag %s from %s.", a[1], label(srv)), err
	}, "SERVER", "KEY")
}

// loopback reports whether an endpoint URL names this machine.
func loopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
