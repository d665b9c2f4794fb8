// Command ecsfleet-bench runs the benchmark scenarios of docs/benchmarks.md:
// ecsfleet's engine and a per-resource baseline that drives the API the way
// the Terraform HCS provider does, side by side, against the same
// simulator and cloud model, and prints one table. When Terraform and the
// provider are built (.cache/e2e/bin, `make e2e-terraform`), the real
// provider runs too, on a small fleet.
//
//	go run ./cmd/ecsfleet-bench [-short] [-seed 1] [-scale 250] [-svg docs/bench-bringup.svg]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

func main() {
	short := flag.Bool("short", false, "small fleets (the correctness run of `go test`)")
	seed := flag.Int64("seed", 1, "the simulator's seed")
	scale := flag.Float64("scale", 250, "how much faster than real time the cloud runs (job-bound scenarios 1, 3, 5, 6)")
	callScale := flag.Float64("call-scale", 50, "the time scale of the call-bound scenarios 2 and 4")
	svg := flag.String("svg", "", "write scenario 1's chart (servers ACTIVE over cloud time) to this SVG file")
	only := flag.String("only", "", "comma-separated scenario numbers to run (default all), e.g. 1,5")
	caps := flag.String("capacities", "20,100,500", "backend capacities of the scenario 1 sweep")
	tfBin := flag.String("terraform", ".cache/e2e/bin", "directory holding terraform and provider/terraform-provider-hcs")
	flag.Parse()

	h := &Harness{Seed: *seed, Scale: *scale, CallScale: *callScale, Sizes: fullSizes, Pol: DefaultImitation, CheckSame: true,
		Log: func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }}
	if *short {
		h.Sizes = shortSizes
	}
	var capList []int
	for _, c := range strings.Split(*caps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n <= 0 {
			fmt.Fprintf(os.Stderr, "ecsfleet-bench: bad -capacities %q\n", *caps)
			os.Exit(2)
		}
		capList = append(capList, n)
	}
	start := time.Now()
	err := h.Run(context.Background(), selection(*only), capList, *tfBin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ecsfleet-bench: %v\n", err)
		os.Exit(1)
	}
	host, _ := os.Hostname()
	fmt.Printf("ecsfleet-bench: seed %d, time scale %.0f× (scenarios 2 and 4: %.0f×), %s, %d CPUs (%s), %s, %.0f s wall\n\n",
		*seed, *scale, *callScale, time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), runtime.GOARCH, host, time.Since(start).Seconds())
	h.WriteTable(os.Stdout)
	if *svg != "" && h.Curves != nil {
		if err := os.WriteFile(*svg, []byte(Chart(h.Curves, h.Sizes.BringUp)), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "ecsfleet-bench: %v\n", err)
			os.Exit(1)
		}
	}
	if len(h.Problems) > 0 {
		fmt.Println("\nProblems:")
		for _, p := range h.Problems {
			fmt.Println("- " + p)
		}
		os.Exit(1)
	}
}

func selection(only string) map[int]bool {
	sel := map[int]bool{}
	for _, s := range strings.Split(only, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			sel[n] = true
		}
	}
	if len(sel) == 0 {
		for i := 1; i <= 7; i++ {
			sel[i] = true
		}
	}
	return sel
}

// Run runs the selected scenarios (7 is the real provider).
func (h *Harness) Run(ctx context.Context, sel map[int]bool, capacities []int, tfBin string) error {
	tfDone := make(chan error, 1)
	if sel[7] {
		// The real provider runs in real time and mostly sleeps: beside the rest.
		go func() { tfDone <- h.Terraform(ctx, tfBin) }()
	} else {
		tfDone <- nil
	}
	err := h.run(ctx, sel, capacities)
	if tfErr := <-tfDone; err == nil {
		err = tfErr
	}
	h.Rows = append(h.Rows, h.tfRows...)
	return err
}

func (h *Harness) run(ctx context.Context, sel map[int]bool, capacities []int) error {
	if sel[1] || sel[5] {
		for i, c := range capacities {
			if err := h.BringUp(ctx, c, sel[5] && i == 0); err != nil {
				return err
			}
		}
	}
	steps := []struct {
		n  int
		fn func(context.Context) error
	}{{2, h.Drift}, {3, h.Rolling}, {4, h.Password}, {6, h.Noisy}}
	for _, s := range steps {
		if sel[s.n] {
			if err := s.fn(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

func fmtS(s float64) string {
	switch {
	case s >= 3600:
		return fmt.Sprintf("%.0f s (%.1f h)", s, s/3600)
	case s >= 100:
		return fmt.Sprintf("%.0f s", s)
	}
	return fmt.Sprintf("%.1f s", s)
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

// WriteTable prints the table as Markdown.
func (h *Harness) WriteTable(w io.Writer) {
	fmt.Fprintln(w, "| scenario | capacity, time scale | tool | cloud time | × bound | reads | writes | polls | 429s | left | ecsfleet / baseline | notes |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range h.Rows {
		if r.Skipped != "" {
			fmt.Fprintf(w, "| %s | | %s | skipped: %s | | | | | | | | |\n", r.Scenario, r.Stats.Tool, r.Skipped)
			continue
		}
		s := r.Stats
		bound := "–"
		if r.BoundS > 0 {
			bound = fmt.Sprintf("%.2f× (%s)", s.CloudS/r.BoundS, fmtS(r.BoundS))
		}
		vs := ""
		if r.Base != nil {
			b := r.Base.Stats
			if b.Tool == toolTerraform {
				vs = fmt.Sprintf("vs the real provider: time %.2f×, calls %.2f×", s.CloudS/b.CloudS, float64(s.Calls.Total())/float64(max(b.Calls.Total(), 1)))
			} else {
				vs = fmt.Sprintf("time %.2f×; writes %s; polls %s", s.CloudS/b.CloudS, pct(s.Calls.Writes, b.Calls.Writes), pct(s.Calls.Polls, b.Calls.Polls))
			}
		}
		var notes []string
		if s.Tool == toolEcsfleet && s.PlanWall > 0 {
			notes = append(notes, fmt.Sprintf("plan %.2f s CPU, %.0f MB heap", s.PlanCPU.Seconds(), float64(s.PlanHeap)/(1<<20)))
		}
		if s.Failed > 0 {
			notes = append(notes, fmt.Sprintf("%d failed", s.Failed))
		}
		if r.Extra != "" {
			notes = append(notes, r.Extra)
		}
		if s.Note != "" {
			notes = append(notes, s.Note)
		}
		capS := strconv.Itoa(r.Capacity)
		if r.Capacity == 0 {
			capS = ""
		}
		if r.Scale > 0 {
			capS += fmt.Sprintf(", %g×", r.Scale)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %d | %d | %d | %d | %s | %s |\n",
			r.Scenario, capS, s.Tool, fmtS(s.CloudS), bound, s.Calls.Reads, s.Calls.Writes, s.Calls.Polls, s.Calls.R429, s.Left, vs, strings.Join(notes, "; "))
	}
}
