package plugin

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

func TestParseSettings(t *testing.T) {
	s, err := ParseSettings(instanceSettings("http://127.0.0.1:8787/", "key", nil))
	if err != nil || s.ProxyURL != "http://127.0.0.1:8787" || s.APIKey != "key" {
		t.Fatalf("%+v %v", s, err)
	}
	// the datasource URL field, as older configs kept it
	s, err = ParseSettings(backend.DataSourceInstanceSettings{URL: "https://proxy.example:8443/base"})
	if err != nil || s.ProxyURL != "https://proxy.example:8443/base" {
		t.Fatalf("%+v %v", s, err)
	}
	for raw, want := range map[string]string{
		"":                   "the Proxy URL is not set",
		"127.0.0.1:8787":     "is not an http(s) URL",
		"file:///etc/passwd": "is not an http(s) URL",
		"http://u:p@host:1":  "must not carry a query, fragment or credentials",
		"http://host:1/?x=1": "must not carry a query",
		"http://[::1":        "is not an http(s) URL",
	} {
		if _, err := ParseSettings(instanceSettings(raw, "", nil)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", raw, err)
		}
	}
	if _, err := ParseSettings(backend.DataSourceInstanceSettings{JSONData: []byte(`[`)}); err == nil {
		t.Error("bad jsonData")
	}
}

// The SDK's HTTP settings (grafana-plugin-sdk-go@v0.300.0 backend/http_settings.go:146
// `timeout` in seconds, tlsSkipVerify, tlsAuthWithCACert + secure tlsCACert) reach the client.
func TestHTTPClientOptions(t *testing.T) {
	tlsProxy := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/health" {
			writeJSON(w, 200, `{"status":"ok","sources":[{"id":"a","kind":"geth","status":"ok","message":"ok"}]}`)
			return
		}
		time.Sleep(1500 * time.Millisecond)
		writeJSON(w, 200, `{"sources":[]}`)
	}))
	defer tlsProxy.Close()
	health := func(ds *Datasource) *backend.CheckHealthResult {
		res, _ := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		return res
	}
	// self-signed, not trusted: refused
	if res := health(newTestDatasource(t, instanceSettings(tlsProxy.URL, "", nil))); res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "certificate") {
		t.Fatalf("untrusted: %+v", res)
	}
	if res := health(newTestDatasource(t, instanceSettings(tlsProxy.URL, "", map[string]any{"tlsSkipVerify": true}))); res.Status != backend.HealthStatusOk {
		t.Fatalf("skip verify: %+v", res)
	}
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsProxy.Certificate().Raw}))
	withCA := instanceSettings(tlsProxy.URL, "", map[string]any{"tlsAuthWithCACert": true})
	withCA.DecryptedSecureJSONData["tlsCACert"] = ca
	if res := health(newTestDatasource(t, withCA)); res.Status != backend.HealthStatusOk {
		t.Fatalf("CA: %+v", res)
	}
	// timeout: 1 s against an answer that takes 1.5 s
	ds := newTestDatasource(t, instanceSettings(tlsProxy.URL, "", map[string]any{"tlsSkipVerify": true, "timeout": 1}))
	started := time.Now()
	r := callResource(t, ds, "GET", "sources", "sources")
	if r.Status != 502 || time.Since(started) > 1400*time.Millisecond || !strings.Contains(strings.ToLower(string(r.Body)), "timeout") {
		t.Fatalf("timeout: %d %s after %v", r.Status, r.Body, time.Since(started))
	}
}
