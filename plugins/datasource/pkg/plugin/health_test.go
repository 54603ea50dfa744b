package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The messages are those Save & test showed with the frontend datasource (src/health.ts,
// tested in src/health.test.ts).
func TestCheckHealthSummarisesSources(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"status":"degraded","sources":[`+
			`{"id":"btc-main","kind":"bitcoin","status":"ok","message":"ok","lastSuccess":1},`+
			`{"id":"farm-a","kind":"cgminer","status":"degraded","message":"1 of 4 miners down","lastSuccess":1},`+
			`{"id":"bot-1","kind":"freqtrade","status":"ok","message":"","lastSuccess":null}]}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "k", nil))
	res, err := ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != backend.HealthStatusOk || res.Message != "nodescope proxy: 3 sources (2 ok, 1 degraded) — btc-main: ok · farm-a: degraded · bot-1: ok" {
		t.Fatalf("%+v", res)
	}
	var details map[string]string
	_ = json.Unmarshal(res.JSONDetails, &details)
	if details["message"] != "btc-main: ok · farm-a: degraded · bot-1: ok" ||
		details["verboseMessage"] != "btc-main (bitcoin): ok\nfarm-a (cgminer): degraded — 1 of 4 miners down\nbot-1 (freqtrade): ok" {
		t.Fatalf("%q", details)
	}
	if reqs := proxy.recorded(); reqs[0].Path != "/api/health" || reqs[0].Authorization != "Bearer k" {
		t.Fatalf("%+v", reqs)
	}
}

// A source that has not answered its first poll yet is `starting` on the proxy's wire: counted in
// the summary too (it was left out, so "2 sources (1 ok)" hid one).
func TestCheckHealthCountsStartingSources(t *testing.T) {
	res := DescribeHealth(HealthResponse{Status: "starting", Sources: []SourceHealth{
		{ID: "btc-main", Kind: "bitcoin", Status: "ok", Message: "ok"},
		{ID: "profit", Kind: "profitability", Status: "starting", Message: "market not read yet"},
	}})
	if res.Status != backend.HealthStatusOk || res.Message != "nodescope proxy: 2 sources (1 ok, 1 starting) — btc-main: ok · profit: starting" {
		t.Fatalf("%+v", res)
	}
}

func TestCheckHealthErrors(t *testing.T) {
	cases := []struct {
		name, body string
		status     int
		want       string
	}{
		{"all down", `{"status":"down","sources":[{"id":"a","kind":"geth","status":"down","message":"x"}]}`, 200, "nodescope proxy: 1 source (1 down)"},
		{"no sources", `{"status":"ok","sources":[]}`, 200, "Connected to the nodescope proxy, but it has no sources configured"},
		{"refused key", `{"error":"invalid API key","statusCode":401}`, 401, "Cannot reach the nodescope proxy: invalid API key (HTTP 401) — the proxy refused the API key: check it here and in the proxy config (server.apiKey)"},
		{"not the proxy", `<html>hello</html>`, 200, "The Proxy URL answered, but not with the nodescope proxy's /api/health"},
		{"gateway", `bad gateway`, 502, "Cannot reach the nodescope proxy: bad gateway (HTTP 502) — is the proxy running, and is the Proxy URL reachable from the Grafana server?"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, c.status, c.body) })
			res, _ := newTestDatasource(t, instanceSettings(proxy.URL, "", nil)).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
			if res.Status != backend.HealthStatusError || !strings.HasPrefix(res.Message, c.want) {
				t.Fatalf("%+v", res)
			}
		})
	}
	res, _ := newTestDatasource(t, backend.DataSourceInstanceSettings{JSONData: []byte(`{"proxyUrl":"ftp://x"}`)}).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, `"ftp://x" is not an http(s) URL`) {
		t.Fatalf("%+v", res)
	}
}
