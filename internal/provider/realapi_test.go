package provider_test

// Acceptance tests that can run against Workiva's real token endpoint, and
// replay what such a run recorded.
//
//   - TF_ACC=1 with WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET (optionally
//     WORKIVA_REGION, WORKIVA_TOKEN_URL, WORKIVA_TEST_SCOPES): live, against
//     the endpoint (make testacc).
//   - WORKIVA_RECORD=1 with the same variables: live, and every exchange is
//     recorded, redacted, into testdata/cassettes/workiva-<test>.yaml.
//   - WORKIVA_RECORD=local: recorded the same way against the local IAM
//     server, into testdata/cassettes/local-iam-<test>.yaml.
//   - Otherwise (make test): the cassettes are replayed through the same test
//     code and the same provider path; a Workiva recording is preferred to a
//     local one.
//
// The checks hold for any server: a token is issued, the granted scope is a
// subset of the requested, expires_in is positive and expires_at agrees with
// it, a wrong secret fails with the server's answer, the legacy path works.

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"

	"github.com/clientcreds/terraform-provider-workiva/internal/cassettes"
	"github.com/clientcreds/terraform-provider-workiva/internal/iamserver"
	"github.com/clientcreds/terraform-provider-workiva/internal/provider"
)

const cassetteDir = "testdata/cassettes"

type apiMode int

const (
	modeReplay apiMode = iota
	modeLive
	modeRecordWorkiva
	modeRecordLocal
)

// realAPI is how one real-API test talks to its token endpoint.
type realAPI struct {
	mode      apiMode
	clientID  string
	secret    string
	tokenURL  string // full current token endpoint
	scopes    []string
	transport http.RoundTripper // recorder, or nil for live
}

// wrongSecret is the secret of the wrong-secret test; it is redacted like
// a real one.
const wrongSecret = "wrong-secret-for-acceptance-test" //nolint:gosec // deliberately wrong

func realAPICredentialsSet() bool {
	return savedEnv[provider.EnvClientID] != "" && savedEnv[provider.EnvClientSecret] != ""
}

// realAPIPreCheck skips, saying which variables to set, when a live run has
// no credentials.
func realAPIPreCheck(t *testing.T) {
	if !realAPICredentialsSet() {
		t.Skip("real-API test: set WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET (optionally WORKIVA_REGION, " +
			"WORKIVA_TOKEN_URL, WORKIVA_TEST_SCOPES) to run it against Workiva; without them make test replays its cassette")
	}
}

// newRealAPI sets up test name's endpoint for the mode the environment
// selects, and stops the recorder (saving the cassette) when the test ends.
func newRealAPI(t *testing.T, name string) *realAPI {
	t.Helper()
	api := &realAPI{scopes: strings.Fields(os.Getenv("WORKIVA_TEST_SCOPES"))}
	var path string // the cassette replayed or recorded
	switch rec := os.Getenv("WORKIVA_RECORD"); {
	case rec == "local":
		api.mode = modeRecordLocal
	case rec != "" && rec != "0":
		api.mode = modeRecordWorkiva
	case os.Getenv("TF_ACC") != "":
		api.mode = modeLive
	}

	switch api.mode {
	case modeLive, modeRecordWorkiva:
		realAPIPreCheck(t)
		api.clientID, api.secret = savedEnv[provider.EnvClientID], savedEnv[provider.EnvClientSecret]
		api.tokenURL = savedEnv[provider.EnvTokenURL]
		if api.tokenURL == "" {
			region := savedEnv[provider.EnvRegion]
			if region == "" {
				region = provider.DefaultRegion
			}
			api.tokenURL = provider.RegionTokenURL(region)
		}
	case modeRecordLocal:
		srv := iam(t, iamserver.Options{})
		api.clientID, api.secret, api.tokenURL = testClientID, testSecret, srv.TokenURL()
		if len(api.scopes) == 0 {
			api.scopes = []string{"file:read"}
		}
	case modeReplay:
		var c *cassette.Cassette
		path, c = loadCassette(t, name)
		if c == nil {
			t.Skipf("no cassette %s(.yaml) to replay: record one with WORKIVA_RECORD=1 or WORKIVA_RECORD=local", path)
		}
		api.clientID, api.secret = cassettes.ClientIDPlaceholder, cassettes.Redacted
		api.tokenURL, api.scopes = replayedEndpoint(t, c)
	}

	if api.mode == modeLive {
		return api
	}
	opts := []recorder.Option{
		recorder.WithMatcher(cassettes.Match),
		recorder.WithReplayableInteractions(true),
		recorder.WithSkipRequestLatency(true),
	}
	switch api.mode {
	case modeReplay:
		opts = append(opts, recorder.WithMode(recorder.ModeReplayOnly))
	default:
		origin := cassettes.OriginWorkiva
		if api.mode == modeRecordLocal {
			origin = cassettes.OriginLocalIAM
		}
		path = cassettes.Path(cassetteDir, origin, name)
		redact := cassettes.Redact(api.clientID, api.secret, wrongSecret)
		opts = append(opts,
			recorder.WithMode(recorder.ModeRecordOnly),
			recorder.WithRealTransport(cleanhttp.DefaultPooledTransport()),
			recorder.WithHook(redact, recorder.AfterCaptureHook),
			recorder.WithHook(redact, recorder.BeforeSaveHook),
			recorder.WithMarshalFunc(cassettes.Marshal(origin)),
		)
	}
	r, err := recorder.New(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Stop(); err != nil {
			t.Errorf("saving cassette %s: %v", path, err)
		}
	})
	api.transport = r
	return api
}

// loadCassette finds test name's cassette: Workiva's if recorded, else the
// local IAM server's.
func loadCassette(t *testing.T, name string) (string, *cassette.Cassette) {
	t.Helper()
	for _, origin := range []cassettes.Origin{cassettes.OriginWorkiva, cassettes.OriginLocalIAM} {
		path := cassettes.Path(cassetteDir, origin, name)
		if _, err := os.Stat(path + ".yaml"); err != nil {
			continue
		}
		c, err := cassette.Load(path)
		if err != nil {
			t.Fatalf("cassette %s: %v", path, err)
		}
		return path, c
	}
	return cassettes.Path(cassetteDir, cassettes.OriginWorkiva, name), nil
}

// replayedEndpoint is the token URL of a recording (its first request) and
// the scopes its token requests asked for (the last that asked for any).
func replayedEndpoint(t *testing.T, c *cassette.Cassette) (string, []string) {
	t.Helper()
	if len(c.Interactions) == 0 {
		t.Fatal("the cassette holds no interaction")
	}
	var scopes []string
	for _, i := range c.Interactions {
		form, _ := url.ParseQuery(i.Request.Body)
		if s := strings.Fields(form.Get("scope")); len(s) > 0 {
			scopes = s
		}
	}
	return c.Interactions[0].Request.URL, scopes
}

func (api *realAPI) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"workiva": providerserver.NewProtocol6WithError(provider.NewWithTransport("test", api.transport, nil)()),
		"echo":    echoprovider.NewProviderServer(),
	}
}

// run runs the test case: resource.Test when live (TF_ACC gates it),
// resource.UnitTest when recording or replaying.
func (api *realAPI) run(t *testing.T, tc resource.TestCase) {
	tc.ProtoV6ProviderFactories = api.factories()
	if api.mode == modeLive || api.mode == modeRecordWorkiva {
		tc.PreCheck = func() { realAPIPreCheck(t) }
	}
	if api.mode == modeLive {
		resource.Test(t, tc)
		return
	}
	resource.UnitTest(t, tc)
}

// providerConfig is the provider block; extra lines are added inside it.
func (api *realAPI) providerConfig(secret, tokenURL string, extra ...string) string {
	return fmt.Sprintf("provider \"workiva\" {\n  client_id     = %q\n  client_secret = %q\n  token_url     = %q\n  max_retries   = 2\n  %s\n}\n",
		api.clientID, secret, tokenURL, strings.Join(extra, "\n  "))
}

// scopesArg is the scopes argument of a workiva_token, or nothing when the
// test requests the grant's scopes.
func (api *realAPI) scopesArg() string {
	if len(api.scopes) == 0 {
		return ""
	}
	q := make([]string, len(api.scopes))
	for i, s := range api.scopes {
		q[i] = strconv.Quote(s)
	}
	return "scopes = [" + strings.Join(q, ", ") + "]"
}

// checkToken checks what any server's token must satisfy.
func (api *realAPI) checkToken(addr string) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(
		resource.TestCheckResourceAttrWith(addr, "access_token", func(v string) error {
			if v == "" {
				return errors.New("empty access_token")
			}
			return nil
		}),
		resource.TestCheckResourceAttrWith(addr, "token_type", func(v string) error {
			if !strings.EqualFold(v, "Bearer") {
				return fmt.Errorf("token_type %q is not Bearer", v)
			}
			return nil
		}),
		checkExpiry(addr),
		checkGrantedSubset(addr, api.scopes),
	)
}

// stateAttributes are the flat attributes of addr in the state.
func stateAttributes(s *terraform.State, addr string) (map[string]string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return nil, fmt.Errorf("%s not in state", addr)
	}
	return rs.Primary.Attributes, nil
}

func checkExpiry(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := stateAttributes(s, addr)
		if err != nil {
			return err
		}
		in, err := strconv.ParseInt(attrs["expires_in"], 10, 64)
		if err != nil || in <= 0 {
			return fmt.Errorf("expires_in %q is not positive", attrs["expires_in"])
		}
		at, err := time.Parse(time.RFC3339, attrs["expires_at"])
		if err != nil {
			return fmt.Errorf("expires_at %q: %w", attrs["expires_at"], err)
		}
		// expires_at is counted from when the request was sent, at most a
		// few minutes before this check runs.
		if d := time.Until(at) - time.Duration(in)*time.Second; d > 5*time.Second || d < -5*time.Minute {
			return fmt.Errorf("expires_at %s does not agree with expires_in %d (off by %s)", at, in, d)
		}
		return nil
	}
}

func checkGrantedSubset(addr string, requested []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs, err := stateAttributes(s, addr)
		if err != nil {
			return err
		}
		granted := strings.Fields(attrs["scope"])
		if len(requested) == 0 {
			return nil // the grant's scopes: nothing to compare with
		}
		for _, g := range granted {
			found := false
			for _, r := range requested {
				found = found || g == r
			}
			if !found {
				return fmt.Errorf("granted scope %q was not requested (requested %v)", g, requested)
			}
		}
		return nil
	}
}

func TestAccRealAPIToken(t *testing.T) {
	api := newRealAPI(t, "token")
	api.run(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: api.providerConfig(api.secret, api.tokenURL) + "data \"workiva_token\" \"t\" {\n  " + api.scopesArg() + "\n}\n",
			Check:  api.checkToken("data.workiva_token.t"),
		}},
	})
}

func TestAccRealAPIEphemeralToken(t *testing.T) {
	api := newRealAPI(t, "ephemeral")
	api.run(t, resource.TestCase{
		TerraformVersionChecks: ephemeralVersionChecks(),
		Steps: []resource.TestStep{{
			Config: api.providerConfig(api.secret, api.tokenURL) + "ephemeral \"workiva_token\" \"t\" {\n  " + api.scopesArg() + "\n}\n" + `
provider "echo" {
  data = {
    has_token  = ephemeral.workiva_token.t.access_token != ""
    expires_in = ephemeral.workiva_token.t.expires_in
    scope      = ephemeral.workiva_token.t.scope
  }
}
resource "echo" "t" {}
`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("echo.t", "data.has_token", "true"),
				resource.TestCheckResourceAttrWith("echo.t", "data.expires_in", func(v string) error {
					if n, err := strconv.Atoi(v); err != nil || n <= 0 {
						return fmt.Errorf("expires_in %q is not positive", v)
					}
					return nil
				}),
			),
		}},
	})
}

func TestAccRealAPIWrongSecret(t *testing.T) {
	api := newRealAPI(t, "wrong-secret")
	api.run(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      api.providerConfig(wrongSecret, api.tokenURL) + "data \"workiva_token\" \"t\" {}\n",
			ExpectError: regexp.MustCompile(`(?s)Authentication failed: HTTP 4\d\d.*HTTP status: 4\d\d`),
		}},
	})
}

// The legacy path answers only requests without X-Version.
func TestAccRealAPILegacyPath(t *testing.T) {
	api := newRealAPI(t, "legacy-path")
	legacy := api.tokenURL
	if api.mode != modeReplay {
		u, err := url.Parse(api.tokenURL)
		if err != nil || u.Path != iamserver.TokenPath {
			t.Skipf("the legacy path is Workiva's; the token URL %s is not a Workiva /oauth2/token endpoint", api.tokenURL)
		}
		u.Path = iamserver.LegacyTokenPath
		legacy = u.String()
	}
	api.scopes = nil // the legacy request asks for the grant's scopes
	api.run(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: api.providerConfig(api.secret, legacy, `api_version = ""`) + "data \"workiva_token\" \"t\" {}\n",
			Check:  api.checkToken("data.workiva_token.t"),
		}},
	})
}
