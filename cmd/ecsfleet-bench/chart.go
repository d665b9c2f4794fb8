package main

import (
	"fmt"
	"sort"
	"strings"
)

// Chart draws scenario 1's servers ACTIVE over cloud time, one line per
// tool, as a hand-written SVG.
func Chart(curves map[string][]float64, n int) string {
	const W, H, left, right, top, bottom = 720, 360, 70, 20, 40, 50
	pw, ph := float64(W-left-right), float64(H-top-bottom)
	var tmax float64
	for _, c := range curves {
		for _, t := range c {
			tmax = max(tmax, t)
		}
	}
	tick := niceTick(tmax / 6)
	tmax = tick * float64(int(tmax/tick)+1)
	x := func(t float64) float64 { return float64(left) + pw*t/tmax }
	y := func(k int) float64 { return float64(top) + ph*(1-float64(k)/float64(n)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", W, H, W, H)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", W, H)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="14" font-weight="bold">Scenario 1: bring-up of %d servers, servers ACTIVE over cloud time (capacity 20)</text>`+"\n", left, n)
	for t := 0.0; t <= tmax+1e-9; t += tick {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/><text x="%.1f" y="%d" text-anchor="middle">%.0f</text>`+"\n", x(t), top, x(t), H-bottom, x(t), H-bottom+16, t)
	}
	for i := 0; i <= 4; i++ {
		k := n * i / 4
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%d</text>`+"\n", left, y(k), W-right, y(k), left-6, y(k)+4, k)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">cloud time (s)</text>`+"\n", float64(left)+pw/2, H-12)
	fmt.Fprintf(&b, `<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">servers ACTIVE</text>`+"\n", float64(top)+ph/2, float64(top)+ph/2)
	colors := map[string]string{toolEcsfleet: "#1f77b4", toolImitation: "#d62728", toolTerraform: "#2ca02c"}
	names := make([]string, 0, len(curves))
	for k := range curves {
		names = append(names, k)
	}
	sort.Strings(names)
	for i, name := range names {
		c := append([]float64(nil), curves[name]...)
		sort.Float64s(c)
		var pts []string
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(0), y(0)))
		for k, t := range c {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f %.1f,%.1f", x(t), y(k), x(t), y(k+1)))
		}
		col := colors[name]
		if col == "" {
			col = "#555"
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", col, strings.Join(pts, " "))
		label := name
		if name == toolImitation {
			label = "baseline (Terraform-provider imitation)"
		}
		if len(c) > 0 {
			label += fmt.Sprintf(": %d in %.0f s", len(c), c[len(c)-1])
		}
		ly := H - bottom - 44 + 18*i // bottom right: late and few, where no curve runs
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%d" y="%d">%s</text>`+"\n", W-right-300, ly, W-right-276, ly, col, W-right-270, ly+4, label)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func niceTick(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := 1.0
	for p*10 <= v {
		p *= 10
	}
	for p > v {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if p*m >= v {
			return p * m
		}
	}
	return p * 10
}
