// Package credfile reads the files the provider takes credentials from (a
// client secret file, an identity-token file, a Kubernetes projected token,
// a client assertion file): one reader, so that each of them is bounded in
// size and time and refuses what is not a regular file. It has no Terraform
// types; its errors say what the file is, never what it holds.
package credfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxSize is the most a credential file may hold: a secret, a JWT or a PEM
// key is a few kilobytes; more is not a credential file (a log, a device
// that never ends).
const MaxSize = 64 << 10

// ErrNotRegular marks a path that is not a regular file (NotRegularError).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge marks a file larger than MaxSize.
var ErrTooLarge = fmt.Errorf("it is larger than %d KiB, more than a credential file holds", MaxSize>>10)

// NotRegularError: the path names a named pipe, a device, a socket or a
// directory, which a read could wait on forever or never finish.
type NotRegularError struct {
	// What says what it is instead: "a named pipe (FIFO)", "a device", ….
	What string
}

func (e *NotRegularError) Error() string     { return "it is " + e.What + ", not a regular file" }
func (e *NotRegularError) Is(err error) bool { return err == ErrNotRegular }

// Read returns what the regular file at path holds, at most MaxSize bytes,
// or an error: ErrNotRegular (checked before the file is opened, so that
// opening a device has no effect, and again on what was opened, which is
// opened without waiting, so that a FIFO put in its place cannot block the
// open), ErrTooLarge, the context's error when ctx ends first, or the
// *fs.PathError of the stat or the open. Symbolic links are followed
// (Kubernetes projects tokens through them). Stat, open and read run
// within ctx: a network or FUSE file system that stalls is abandoned (and
// the file closed when it answers).
func Read(ctx context.Context, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := read(path)
		done <- result{b, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		return r.b, r.err
	}
}

// read is Read without the deadline.
func read(path string) ([]byte, error) {
	before, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := regular(before); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0) //nolint:gosec // the file the user names for this purpose
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(opened); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err == nil && len(b) > MaxSize { // it grew after Stat, or Stat says 0 (/proc)
		return nil, ErrTooLarge
	}
	return b, err
}

// regular refuses what is not a regular file of at most MaxSize bytes.
func regular(fi fs.FileInfo) error {
	switch {
	case !fi.Mode().IsRegular():
		return &NotRegularError{What: modeName(fi.Mode())}
	case fi.Size() > MaxSize:
		return ErrTooLarge
	}
	return nil
}

// modeName says what kind of file a mode is, for NotRegularError.
func modeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "not a file"
}
