package provider

import (
	"context"
	"errors"
	"io/fs"

	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// This file is the one place where text the provider did not write (what a
// server or the transport supplied, and the text of any error) becomes
// part of a diagnostic or a log line: through redact.Output.Show, which
// bounds it (redact.FieldLimit per text, redact.OutputLimit per diagnostic
// or log line), makes it UTF-8, and withholds it whole when it carries a
// credential in any form. TestServerTextOnlyThroughShow fails the build
// when another file of the package formats an error or reads an Untrusted
// another way.

// notShown is what a reader sees in place of a text that echoes a
// credential.
const notShown = "(not shown: it echoes a credential)"

// display shows the texts of one diagnostic or log line.
type display struct{ out *redact.Output }

func newDisplay(s *redact.Scrubber) display { return display{s.Output()} }

// text is u as a reader may see it, at most limit bytes; notShown when it
// echoes a credential.
func (w display) text(u redact.Untrusted, limit int) string {
	text, withheld := w.out.Show(u, limit)
	if withheld {
		return notShown
	}
	return text
}

// field is text at the field limit.
func (w display) field(u redact.Untrusted) string { return w.text(u, redact.FieldLimit) }

// err is the text of an error as a reader may see it. Every error's text
// is taken to be untrusted: a library's wording may quote a server or the
// raw request URL, and ours is shown the same way at no cost.
func (w display) err(err error) string { return w.field(redact.UntrustedError(err)) }

// str is text from a server that arrived as data (a granted scope, a token
// type), shown in a sentence.
func (w display) str(s string) string { return w.field(redact.UntrustedText(s)) }

// fileCause is why a credential file could not be read, without its name
// (which may be a secret written in the wrong place): the operating
// system's reason, credfile's refusal, or the timeout.
func fileCause(err error) error {
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.Is(err, context.DeadlineExceeded):
		return errors.New("it was not read within the request timeout")
	}
	return err
}
