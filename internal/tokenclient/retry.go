package tokenclient

import (
	"net/http"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/clientcreds/terraform-provider-workiva/internal/httpretry"
	"github.com/clientcreds/terraform-provider-workiva/internal/redact"
)

// newRetryClient is the client token requests go through: httpretry's
// rules (which answers are retried, the backoff, no redirects, the last
// answer handed back when the retries run out, so that its status and body
// are reported) over the configured transport, and a log line per retry
// and per answer.
func newRetryClient(cfg Config) *retryablehttp.Client {
	rc := httpretry.New(httpretry.Options{Transport: cfg.Transport, Timeout: cfg.Timeout, MaxRetries: cfg.MaxRetries,
		WaitMin: cfg.RetryWaitMin, WaitMax: cfg.RetryWaitMax, Clock: cfg.Clock})
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
	return rc
}
