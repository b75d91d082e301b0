package tokenclient

import (
	"context"
	"errors"
	"net/http"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// newHTTPClient builds the client x/oauth2 uses: retries from
// go-retryablehttp on top of a transport that adds the version and agent
// headers, with redirects never followed.
func newHTTPClient(cfg Config, assertion, subject assertionSource) *http.Client {
	// The last response reaches x/oauth2 when the retries run out, so that
	// the error it builds carries the server's status and body.
	rc := httpretry.New(httpretry.Options{
		Transport: &headerTransport{base: cfg.Transport, version: cfg.APIVersion, userAgent: cfg.UserAgent,
			assertion: assertion, subject: subject, sensitive: cfg.Sensitive},
		Timeout: cfg.Timeout, MaxRetries: cfg.MaxRetries, WaitMin: cfg.RetryWaitMin, WaitMax: cfg.RetryWaitMax,
		Clock: cfg.Clock, Policy: retryPolicy,
	})
	if cfg.Logger != nil {
		rc.RequestLogHook = func(_ retryablehttp.Logger, req *http.Request, attempt int) {
			if attempt > 0 {
				cfg.Logger.Warn(req.Context(), "retrying token request", map[string]any{"endpoint": redact.ShowURL(req.URL), "retry": attempt, "retry_limit": cfg.MaxRetries})
			}
		}
		rc.ResponseLogHook = func(_ retryablehttp.Logger, resp *http.Response) {
			cfg.Logger.Debug(resp.Request.Context(), "token endpoint answered", map[string]any{
				"endpoint": redact.ShowURL(resp.Request.URL), "status": resp.StatusCode,
				"content_type": redact.UntrustedText(resp.Header.Get("Content-Type")), "retry_after": redact.UntrustedText(resp.Header.Get("Retry-After")),
			})
		}
	}
	return &http.Client{
		Transport:     &retryablehttp.RoundTripper{Client: rc},
		CheckRedirect: httpretry.NoRedirect,
	}
}

// retryPolicy is httpretry.Policy, except that a client assertion that
// could not be made is not retried.
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	var ae *assertionError
	if errors.As(err, &ae) && ctx.Err() == nil {
		return false, nil
	}
	return httpretry.Policy(ctx, resp, err)
}
