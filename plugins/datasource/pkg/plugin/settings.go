package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/httpclient"
)

// PluginID is the nested datasource's id in src/plugin.json.
const PluginID = "nodescope-crypto-datasource"

// jsonData as the config editor saves it (src/types.ts NodescopeOptions): `proxyUrl`, plus the
// SDK's standard HTTP settings (timeout, tlsAuthWithCACert, tlsSkipVerify, …) read by
// backend.DataSourceInstanceSettings.HTTPClientOptions.
type jsonData struct {
	ProxyURL string `json:"proxyUrl"`
}

// Settings is one datasource instance's parsed configuration.
type Settings struct {
	// ProxyURL has no trailing slash; API paths are appended to it (`<ProxyURL>/api/query`).
	ProxyURL string
	// APIKey comes from secureJsonData.apiKey and is only ever sent to ProxyURL.
	APIKey string
}

// ParseSettings reads the proxy URL and API key; a missing or non-http(s) URL is a
// configuration error the health check reports.
func ParseSettings(s backend.DataSourceInstanceSettings) (Settings, error) {
	var jd jsonData
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &jd); err != nil {
			return Settings{}, fmt.Errorf("datasource settings: jsonData is not valid JSON: %w", err)
		}
	}
	raw := strings.TrimSpace(jd.ProxyURL)
	if raw == "" {
		// older configs kept the address in the datasource URL field
		raw = strings.TrimSpace(s.URL)
	}
	if raw == "" {
		return Settings{}, fmt.Errorf("the Proxy URL is not set: enter where the Grafana server reaches the nodescope proxy, e.g. http://127.0.0.1:8787")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Settings{}, fmt.Errorf("the Proxy URL %q is not an http(s) URL such as http://127.0.0.1:8787", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return Settings{}, fmt.Errorf("the Proxy URL %q must not carry a query, fragment or credentials", raw)
	}
	return Settings{
		ProxyURL: strings.TrimRight(u.String(), "/"),
		APIKey:   s.DecryptedSecureJSONData["apiKey"],
	}, nil
}

// newHTTPClient builds the client from the SDK's HTTP options (jsonData `timeout` in seconds,
// default 30 s; TLS CA / client certificate / skip verify; Grafana's proxy settings) with the
// API key added as a Bearer header.
func newHTTPClient(ctx context.Context, s backend.DataSourceInstanceSettings, settings Settings) (*http.Client, error) {
	opts, err := s.HTTPClientOptions(ctx)
	if err != nil {
		return nil, fmt.Errorf("datasource HTTP settings: %w", err)
	}
	if settings.APIKey != "" {
		opts.Middlewares = append(opts.Middlewares, bearer(settings.APIKey))
	}
	return httpclient.New(opts)
}

func bearer(key string) httpclient.Middleware {
	return httpclient.NamedMiddlewareFunc("nodescope-api-key", func(_ httpclient.Options, next http.RoundTripper) http.RoundTripper {
		return httpclient.RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
			req.Header.Set("Authorization", "Bearer "+key)
			return next.RoundTrip(req)
		})
	})
}
