package workload

import (
	"context"
	"strings"
)

// autoSource recognises the CI system from the variables its jobs always
// have, in the order of sources, with no network probe, and obtains the
// token as that source does; Source.Token resolves it before anything is
// asked.
type autoSource struct{}

func (autoSource) Info() Info {
	var systems []string
	for _, src := range recognisable() {
		if info := src.Info(); info.Detect != nil {
			systems = append(systems, "`"+string(info.Kind)+"`")
		}
	}
	return Info{Kind: Auto, Name: "the CI system recognised",
		Doc: "`auto` recognises the CI system from the variables its jobs always have, with no network probe, trying " +
			strings.Join(systems, ", ") + " in that order, and obtains the token as that source does; the token is sent only when " +
			"`audience` is set and the token holds it",
		Hint: func(string) string { return "" },
	}
}

// obtain is not called: Source.Token resolves Auto first.
func (autoSource) obtain(context.Context, Source) (string, error) {
	return "", &NotRecognisedError{LookedFor: lookedFor()}
}

// recognise is the first source whose CI system the environment shows.
func recognise(s Source) (kindSource, bool) {
	for _, src := range recognisable() {
		if info := src.Info(); info.Detect != nil && info.Detect(s.getenv) {
			return src, true
		}
	}
	return nil, false
}

// lookedFor says what recognise looks for, in order.
func lookedFor() []string {
	var out []string
	for _, src := range recognisable() {
		if info := src.Info(); info.Detect != nil {
			out = append(out, info.Markers+" ("+info.Name+")")
		}
	}
	return out
}

// recognisable are the sources but Auto itself.
func recognisable() []kindSource {
	var out []kindSource
	for _, src := range sources {
		if _, auto := src.(autoSource); !auto {
			out = append(out, src)
		}
	}
	return out
}

// isTrue reports whether a variable says "true" as CI systems write it.
func isTrue(getenv func(string) string, name string) bool {
	return strings.EqualFold(getenv(name), "true")
}

// isSet reports whether a variable is set to anything.
func isSet(getenv func(string) string, name string) bool { return getenv(name) != "" }
