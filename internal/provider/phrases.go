package provider

import (
	"strconv"
	"strings"
)

// This file holds the phrase helpers the diagnostics share.

// joinAnd joins items as "a", "a and b", "a, b and c".
func joinAnd(items []string) string { return joinWords(items, "and") }

// joinWords joins items with commas and conj before the last: "a, b or c".
func joinWords(items []string, conj string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

// notKnownYet says which attributes are not known until apply, as a
// reason for credentialsNotKnownDiagnostic: whose ("the provider",
// `grant "x"'s`), in the singular or the plural.
func notKnownYet(whose string, names []string) string {
	if len(names) == 1 {
		return whose + " attribute " + names[0] + " is not known until apply"
	}
	return whose + " attributes " + joinAnd(names) + " are not known until apply"
}

func quoteNames(names []string) string {
	if len(names) == 0 {
		return "(none: the provider has no grants)"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// codeSpans writes each value as a Markdown code span.
func codeSpans(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "`" + v + "`"
	}
	return out
}
