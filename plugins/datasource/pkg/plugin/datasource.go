package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
)

// Datasource is one configured nodescope datasource instance (one per Grafana datasource and
// settings version; the SDK's instance manager disposes the old one when settings change).
type Datasource struct {
	settings Settings
	// client carries the SDK's HTTP options and the timeout; stream is the same transport
	// without the whole-request timeout, for SSE that stays open.
	client *http.Client
	stream *http.Client
	uid    string
	// configErr is set when the settings cannot work; every call reports it instead of failing
	// in the factory, so Save & test shows the reason
	configErr error
}

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ backend.StreamHandler         = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// NewDatasource is the SDK's instance factory (datasource.Manage).
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	settings, err := ParseSettings(s)
	if err != nil {
		return &Datasource{uid: s.UID, configErr: err}, nil
	}
	client, err := newHTTPClient(ctx, s, settings)
	if err != nil {
		return &Datasource{uid: s.UID, configErr: err}, nil
	}
	stream := *client
	stream.Timeout = 0
	return &Datasource{settings: settings, client: client, stream: &stream, uid: s.UID}, nil
}

// Dispose is called when the settings change; idle connections go with the old instance.
func (d *Datasource) Dispose() {
	if d.client != nil {
		d.client.CloseIdleConnections()
	}
}

// proxyError is a non-2xx answer of the proxy, with its own `error` text when it sent one.
type proxyError struct {
	Status  int
	Message string
}

func (e *proxyError) Error() string {
	if e.Message != "" {
		return fmt.Sprintf("%s (HTTP %d)", e.Message, e.Status)
	}
	return fmt.Sprintf("HTTP %d %s", e.Status, http.StatusText(e.Status))
}

// hint adds what to check for the statuses a user can act on.
func (e *proxyError) hint() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return "the proxy refused the API key: check it here and in the proxy config (server.apiKey)"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return "is the proxy running, and is the Proxy URL reachable from the Grafana server?"
	}
	return ""
}

func (d *Datasource) endpoint(path string, query url.Values) string {
	u := d.settings.ProxyURL + "/api/" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	return u
}

// do sends one request to the proxy and returns the body of a 2xx answer; other answers become
// a proxyError with the body's `error` text.
func (d *Datasource) do(ctx context.Context, method, path string, query url.Values, body io.Reader) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, d.endpoint(path, query), body)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := d.client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes))
	if err != nil {
		return nil, res.StatusCode, fmt.Errorf("reading the proxy's answer: %w", err)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return raw, res.StatusCode, &proxyError{Status: res.StatusCode, Message: errorText(raw)}
	}
	return raw, res.StatusCode, nil
}

// maxResponseBytes bounds one proxy answer held in memory (a large fleet's table is a few MB).
const maxResponseBytes = 256 << 20

// errorText is the `error` (or `message`) of a JSON error body, or a short plain-text body.
func errorText(raw []byte) string {
	var body struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &body) == nil {
		if body.Error != "" {
			return body.Error
		}
		return body.Message
	}
	text := strings.TrimSpace(string(raw))
	if len(text) > 200 || strings.HasPrefix(text, "<") {
		return ""
	}
	return text
}

// unreachable says what a transport error means to the user.
func unreachable(err error) string {
	var pe *proxyError
	if errors.As(err, &pe) {
		if h := pe.hint(); h != "" {
			return pe.Error() + " — " + h
		}
		return pe.Error()
	}
	// the client's timeout surfaces as "Client.Timeout exceeded" or as "context deadline exceeded"
	// depending on where the request was when it fired: both mean the same to the user
	var netErr interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return "timeout waiting for the nodescope proxy (" + err.Error() + ") — is the proxy overloaded, or is the data source's timeout too short?"
	}
	return err.Error() + " — is the proxy running, and is the Proxy URL reachable from the Grafana server?"
}
