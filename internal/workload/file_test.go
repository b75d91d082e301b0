package workload_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

// A file (a Kubernetes projected token), read for every token: its token,
// its newline trimmed; a missing file is a ReadError naming it.
func TestFile(t *testing.T) {
	_, issuer := ciServer(t)
	now := time.Now()
	tok := signed(t, issuer, "api://workiva", now, now.Add(time.Hour))
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	issued(t, workload.Source{Kind: workload.File, File: file}, nil, tok)
	refused(t, workload.Source{Kind: workload.File, File: "/nonexistent/token"}, nil, func(err error) bool {
		var re *workload.ReadError
		return errors.As(err, &re) && re.File == "/nonexistent/token" && errors.Is(err, fs.ErrNotExist)
	})
}
