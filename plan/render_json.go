package plan

import (
	"encoding/json"
	"io"
)

// RenderJSON writes the plan for machines: the Plan value itself, indented,
// format_version first (docs/plan-format.md). Lists a plan always has
// (changes, ops, fingerprints) are [] rather than null when empty. A Plan
// never holds a secret by construction; as a second line of defence the
// Old and New of a sensitive attribute are blanked, on a copy: the
// caller's plan is never changed.
func RenderJSON(w io.Writer, p *Plan) error {
	if p == nil {
		return errNilPlan
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(jsonCopy(p))
}

// jsonCopy is a shallow copy of p with the changes that hold a sensitive
// attribute copied deeply enough to blank its values.
func jsonCopy(p *Plan) *Plan {
	cp := *p
	if cp.FormatVersion == "" {
		cp.FormatVersion = FormatVersion
	}
	cp.Changes = make([]Change, len(p.Changes))
	copy(cp.Changes, p.Changes)
	for i, c := range cp.Changes {
		copied := false
		for j, a := range c.Attrs {
			if !a.Sensitive || (a.Old == "" && a.New == "") {
				continue
			}
			if !copied {
				cp.Changes[i].Attrs = append([]AttrDiff(nil), c.Attrs...)
				copied = true
			}
			cp.Changes[i].Attrs[j].Old, cp.Changes[i].Attrs[j].New = "", ""
		}
	}
	if cp.Ops == nil {
		cp.Ops = []Op{}
	}
	if cp.Fingerprints == nil {
		cp.Fingerprints = []Fingerprint{}
	}
	return &cp
}
