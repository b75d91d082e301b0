// Package docscheck holds the checks of what docs/ and README.md show: every
// HCL snippet comes from a file under examples/ (which `make test` formats
// and validates), and every relative link in docs/ leads to a page there;
// and of how the tree is laid out for its reader (test files named after
// their sources).
package docscheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/clientcreds/terraform-provider-workiva/internal/tokenclient"
	"github.com/clientcreds/terraform-provider-workiva/internal/workload"
)

const root = "../.."

// fence is a fenced code block of Terraform configuration.
var fence = regexp.MustCompile("(?ms)^( *)```(terraform|hcl|tf)\\s*\\n(.*?)^ *```")

// pages are the Markdown files a reader sees: docs/ (the Registry's pages)
// and README.md.
func pages(t *testing.T) []string {
	t.Helper()
	out := []string{filepath.Join(root, "README.md")}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// examples is the text of every configuration file under examples/.
func examples(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(filepath.Join(root, "examples"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".tf") && !strings.HasSuffix(p, ".tftest.hcl") {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = normalize(string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// normalize drops trailing white space on every line and the block's
// indentation (a snippet inside a list item is indented).
func normalize(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// Every Terraform snippet shown in docs/ and README.md stands in a file
// under examples/, so that it is formatted and validated (or, when it
// needs providers the tests cannot install, formatted) by `make test`.
func TestSnippetsComeFromExamples(t *testing.T) {
	files := examples(t)
	checked := 0
	for _, page := range pages(t) {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fence.FindAllStringSubmatch(string(b), -1) {
			indent, body := m[1], m[3]
			snippet := normalize(strings.ReplaceAll("\n"+body, "\n"+indent, "\n")[1:])
			checked++
			found := false
			for _, text := range files {
				if strings.Contains(text, snippet) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s shows a snippet that no file under examples/ holds, so nothing checks it:\n%s", page, snippet)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d snippets found; the pattern no longer matches the docs", checked)
	}
	t.Logf("%d snippets, each in a file under examples/", checked)
}

// Links in docs/: a relative one breaks on the Registry (it serves the
// index at .../latest/docs without a trailing slash and rewrites no links),
// so pages link to each other by their Registry address, which must name a
// page of docs/.
var (
	relativeLink = regexp.MustCompile(`\]\(([^)#:\s]+)(#[^)]*)?\)`)
	registryLink = regexp.MustCompile(`\]\(https://registry\.terraform\.io/providers/clientcreds/workiva/latest/docs(/[^)#\s]*)?(#[^)]*)?\)`)
)

// Every link in docs/ works on the Registry, and guides name each other by
// link; no page sends readers to files the Registry does not publish.
func TestDocsLinksResolve(t *testing.T) {
	docs := filepath.Join(root, "docs")
	links := 0
	for _, page := range pages(t) {
		if !strings.HasPrefix(page, docs) {
			continue
		}
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range relativeLink.FindAllStringSubmatch(string(b), -1) {
			t.Errorf("%s links to %q: a relative link breaks on the Registry; use the page's Registry address", page, m[1])
		}
		for _, m := range registryLink.FindAllStringSubmatch(string(b), -1) {
			links++
			target := filepath.Join(docs, "index.md")
			if m[1] != "" {
				target = filepath.Join(docs, m[1]+".md")
			}
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links to %s, which is no page of docs/", page, m[0])
			}
		}
		for _, word := range []string{"README", "BENCHMARKS.md", "CONTRIBUTING"} {
			if strings.Contains(string(b), word) {
				t.Errorf("%s mentions %s, which the Registry does not publish", page, word)
			}
		}
		for _, m := range italicGuide.FindAllString(string(b), -1) {
			t.Errorf("%s names a guide in italics (%s): link to it", page, m)
		}
	}
	if links < 5 {
		t.Errorf("only %d links between pages of docs/", links)
	}
}

// italicGuide is a guide's title in italics, as guides named each other
// before they linked.
var italicGuide = func() *regexp.Regexp {
	var titles []string
	files, _ := filepath.Glob(filepath.Join(root, "templates", "guides", "*.md.tmpl"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if m := regexp.MustCompile(`page_title: "([^"]+)"`).FindSubmatch(b); m != nil {
			titles = append(titles, regexp.QuoteMeta(string(m[1])))
		}
	}
	return regexp.MustCompile(`\*(` + strings.Join(titles, "|") + `)\*`)
}()

// The guides describe every auth style and every workload-identity source
// in the words of their descriptors (tokenclient's specs, workload's
// Info.Doc), one table row each, so that the schema's short descriptions
// can point at them and a new style or source cannot be left out.
func TestGuidesDescribeEveryStyleAndSource(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, "docs", "guides", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	servers, pipelines := read("other-oauth2-servers.md"), read("pipelines-without-secrets.md")
	for _, s := range tokenclient.AuthStyles {
		if row := "| `" + s + "` | " + tokenclient.AuthStyle(s).Doc() + " |"; !strings.Contains(servers, row) {
			t.Errorf("the other OAuth2 servers guide lacks the row %s", row)
		}
	}
	for _, info := range workload.Sources() {
		if row := "| `" + string(info.Kind) + "` | " + info.Doc + " |"; !strings.Contains(pipelines, row) {
			t.Errorf("the pipelines guide lacks the row %s", row)
		}
	}
}

// docs/index.md is a page a Registry reader takes in at a glance, at most
// 15 KB, and no attribute's description on any page runs past 500
// characters: the details are in the guides.
func TestRegistryPagesStayShort(t *testing.T) {
	index, err := os.ReadFile(filepath.Join(root, "docs", "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(index) > 15000 {
		t.Errorf("docs/index.md is %d bytes; at most 15000", len(index))
	}
	attribute := regexp.MustCompile("^- `(\\w+)` \\([^)]*\\) (.*)$")
	nested := regexp.MustCompile(` ?\(see \[below for nested schema\]\([^)]*\)\)`)
	for _, page := range pages(t) {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if m := attribute.FindStringSubmatch(line); m != nil {
				if d := nested.ReplaceAllString(m[2], ""); len(d) > 500 {
					t.Errorf("%s: %s's description has %d characters; at most 500", page, m[1], len(d))
				}
			}
		}
	}
}

// conventionalTests are the test files Go's conventions name for what
// they hold rather than for a source: a package's test-only exports, its
// benchmarks, and the provider's CLI harness and real-API tests.
var conventionalTests = []string{"export_test.go", "bench_test.go", "cli_test.go", "realapi_test.go", "docs_test.go"}

// Every test file is named after the source it tests: <source>_test.go,
// <source>_internal_test.go, or <source>_<aspect>_test.go for one of its
// suites (scrub_cli_test.go), so that a source's tests are found by name.
func TestTestFilesNameTheirSources(t *testing.T) {
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, "_test.go") || slices.Contains(conventionalTests, d.Name()) {
			return err
		}
		stem := strings.TrimSuffix(d.Name(), "_test.go")
		sources, err := filepath.Glob(filepath.Join(filepath.Dir(p), "*.go"))
		for _, s := range sources {
			name := strings.TrimSuffix(filepath.Base(s), ".go")
			if !strings.HasSuffix(s, "_test.go") && (stem == name || strings.HasPrefix(stem, name+"_")) {
				return err
			}
		}
		t.Errorf("%s is named after no source beside it; name it <source>_test.go or <source>_<aspect>_test.go", p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
