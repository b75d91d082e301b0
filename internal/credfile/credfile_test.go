package credfile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/credfile"
)

// The review's reproductions: a FIFO hung the run past every timeout and
// /dev/zero ran the provider out of memory. Both, a directory, and a file
// over the bound are refused at once; a regular file and a symbolic link to
// one (a Kubernetes projected token) are read.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "secret")
	if err := os.WriteFile(regular, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat("x", credfile.MaxSize+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	atLimit := filepath.Join(dir, "at-limit")
	if err := os.WriteFile(atLimit, []byte(strings.Repeat("x", credfile.MaxSize)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       error
		what       string
		size       int
	}{
		{"regular", regular, nil, "", 7},
		{"symbolic link", link, nil, "", 7},
		{"at the limit", atLimit, nil, "", credfile.MaxSize},
		{"fifo", fifo, credfile.ErrNotRegular, "a named pipe (FIFO)", 0},
		{"/dev/zero", "/dev/zero", credfile.ErrNotRegular, "a device", 0},
		{"directory", dir, credfile.ErrNotRegular, "a directory", 0},
		{"too large", big, credfile.ErrTooLarge, "", 0},
		{"missing", filepath.Join(dir, "gone"), os.ErrNotExist, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// No deadline: the refusals must not depend on one. A read
			// that blocks (a FIFO opened without O_NONBLOCK) fails here
			// instead of hanging the test binary.
			type result struct {
				b   []byte
				err error
			}
			done := make(chan result, 1)
			go func() { b, err := credfile.Read(context.Background(), tc.path); done <- result{b, err} }()
			var b []byte
			var err error
			select {
			case r := <-done:
				b, err = r.b, r.err
			case <-time.After(time.Minute):
				t.Fatal("Read blocked")
			}
			if tc.want == nil {
				if err != nil || len(b) != tc.size {
					t.Fatalf("Read = %d bytes, %v; want %d bytes", len(b), err, tc.size)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Read error = %v, want %v", err, tc.want)
			}
			if tc.what != "" && !strings.Contains(err.Error(), tc.what) {
				t.Errorf("error %q does not say %q", err, tc.what)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := credfile.Read(ctx, regular); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with an ended context = %v", err)
	}
}
