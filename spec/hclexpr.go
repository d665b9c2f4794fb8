package spec

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// The fleet language is values and references. HCL's expression language
// beyond them (conditionals, for expressions, arithmetic and operators,
// splats, function calls, indexing, template directives) is refused where
// it is written: the YAML form has none of it, both forms must load the
// same fleets, and a file that computes its values is harder to review.
// What HCL keeps: literals, lists and maps, var.NAME and env.NAME, strings
// with ${...} references in them, and a minus sign on a number.

// plainExprs reports every expression in body that is not part of the
// fleet language, and whether there was none.
func plainExprs(node hclsyntax.Node, src []byte, file string, sink *diagSink) bool {
	ok := true
	var skipTo hcl.Pos // the end of the last refused expression: its parts are not reported again
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		r := n.Range()
		if r.Start.Byte < skipTo.Byte {
			return nil
		}
		what := refusedExpr(n, src)
		if what == "" {
			return nil
		}
		ok = false
		skipTo = r.End
		sink.errorf(Pos{File: file, Line: r.Start.Line, Col: r.Start.Column}, "%s are not part of the fleet language", what).
			hint("write the value itself, or compute it outside the file and give it with --var NAME=VALUE (docs/fleet-language.md)")
		return nil
	})
	return ok
}

// refusedExpr names the kind of expression n is when the fleet language
// does not take it, or "".
func refusedExpr(n hclsyntax.Node, src []byte) string {
	directive := func(r hcl.Range) bool {
		return r.Start.Byte >= 0 && r.Start.Byte < len(src) && bytes.HasPrefix(src[r.Start.Byte:], []byte("%{"))
	}
	switch e := n.(type) {
	case *hclsyntax.ConditionalExpr:
		if directive(e.SrcRange) {
			return "template directives (%{if}, %{for})"
		}
		return "conditional expressions (a ? b : c)"
	case *hclsyntax.TemplateJoinExpr:
		return "template directives (%{if}, %{for})"
	case *hclsyntax.ForExpr:
		if directive(e.SrcRange) {
			return "template directives (%{if}, %{for})"
		}
		return "for expressions ([for x in xs : x])"
	case *hclsyntax.BinaryOpExpr:
		return "arithmetic and operators (+ - * / % == != < > && || !)"
	case *hclsyntax.UnaryOpExpr:
		if lit, isLit := e.Val.(*hclsyntax.LiteralValueExpr); isLit && e.Op == hclsyntax.OpNegate && lit.Val.Type() == cty.Number {
			return "" // a negative number
		}
		return "arithmetic and operators (+ - * / % == != < > && || !)"
	case *hclsyntax.SplatExpr:
		return "splat expressions (list[*].attr)"
	case *hclsyntax.FunctionCallExpr:
		return "function calls"
	case *hclsyntax.IndexExpr, *hclsyntax.RelativeTraversalExpr:
		return "indexing and attribute access on values (x[0], x.y)"
	case *hclsyntax.ScopeTraversalExpr:
		for _, step := range e.Traversal {
			if _, isIndex := step.(hcl.TraverseIndex); isIndex {
				return "indexing and attribute access on values (x[0], x.y)"
			}
		}
	case *hclsyntax.ParenthesesExpr:
		return "parentheses"
	}
	return ""
}
