package quietlogs

import (
	"maps"
	"testing"
)

func TestApply(t *testing.T) {
	cases := []struct {
		name  string
		env   map[string]string
		quiet bool
	}{
		{"no log variables", map[string]string{"PATH": "/bin"}, true},
		{"empty TF_LOG", map[string]string{"TF_LOG": ""}, true},
		{"TF_LOG", map[string]string{"TF_LOG": "DEBUG"}, false},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, false},
		{"acceptance test log", map[string]string{"TF_ACC_LOG_PATH": "/tmp/x.log"}, false},
		{"SDK level", map[string]string{"TF_LOG_SDK_FRAMEWORK": "TRACE"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := maps.Clone(tc.env)
			apply(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				func(k, v string) error { env[k] = v; return nil })
			if got := env["TF_LOG_SDK_PROTO"] == "off" && env["TF_LOG_SDK_FRAMEWORK"] == "off" &&
				env["TF_LOG_SDK"] == "off" && env["TF_LOG_PROVIDER_WORKIVA"] == "off"; got != tc.quiet {
				t.Errorf("quiet = %v, want %v (env %v)", got, tc.quiet, env)
			}
		})
	}
}
