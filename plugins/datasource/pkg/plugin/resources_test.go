package plugin

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

type captured struct {
	responses []*backend.CallResourceResponse
}

func (c *captured) Send(r *backend.CallResourceResponse) error {
	c.responses = append(c.responses, r)
	return nil
}

func callResource(t *testing.T, ds *Datasource, method, path, rawURL string) *backend.CallResourceResponse {
	t.Helper()
	var c captured
	if err := ds.CallResource(context.Background(), &backend.CallResourceRequest{Method: method, Path: path, URL: rawURL}, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.responses) != 1 {
		t.Fatalf("%d responses", len(c.responses))
	}
	return c.responses[0]
}

func TestCallResourceForwardsToTheProxy(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("name") == "nope" {
			writeJSON(w, 400, `{"error":"query.name: source \"farm-a\" has no variable \"nope\"","statusCode":400}`)
			return
		}
		writeJSON(w, 200, `{"values":[{"text":"s9-1","value":"s9-1"}]}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "secret", nil))
	// Grafana hands the plugin the path after /resources/ and the URL with its query string
	// (grafana/grafana@a14cc43da29cd998fd51ee723f7b18dfc8768498 pkg/api/plugin_resource.go
	// pluginResourceRequest + makePluginResourceRequest: Path = the part after resources/, URL = it
	// with the query string)
	r := callResource(t, ds, "GET", "variables", "variables?name=miners&sourceId=farm-a")
	if r.Status != 200 || string(r.Body) != `{"values":[{"text":"s9-1","value":"s9-1"}]}` {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	req := proxy.recorded()[0]
	if req.Path != "/api/variables" || req.RawQuery != "name=miners&sourceId=farm-a" || req.Authorization != "Bearer secret" {
		t.Fatalf("%+v", req)
	}
	// the proxy's own 4xx and message come through
	r = callResource(t, ds, "GET", "variables", "variables?name=nope&sourceId=farm-a")
	if r.Status != 400 || !strings.Contains(string(r.Body), `has no variable \"nope\"`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	for _, path := range []string{"sources", "annotations", "health"} {
		callResource(t, ds, "GET", path, path)
		if got := proxy.recorded(); got[len(got)-1].Path != "/api/"+path {
			t.Fatalf("%s → %s", path, got[len(got)-1].Path)
		}
	}
}

func TestCallResourceRefusesWhatIsNotAllowListed(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) { t.Errorf("reached the proxy: %s", r.URL) })
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "secret", nil))
	for _, path := range []string{"query", "stream", "../metrics", "sources/../query", "%2e%2e/metrics", "constructor", "__proto__", ""} {
		if r := callResource(t, ds, "GET", path, path); r.Status != 404 {
			t.Errorf("%q: %d", path, r.Status)
		}
	}
	if r := callResource(t, ds, "POST", "sources", "sources"); r.Status != 405 {
		t.Errorf("POST: %d", r.Status)
	}
	if r := callResource(t, ds, "GET", "variables", "variables?name=%zz"); r.Status != 400 || !strings.Contains(string(r.Body), "query string") {
		t.Errorf("bad query string: %d %s", r.Status, r.Body)
	}
}

func TestCallResourceUnreachableProxy(t *testing.T) {
	closed := newFakeProxy(t, nil)
	url := closed.URL
	closed.Close()
	r := callResource(t, newTestDatasource(t, instanceSettings(url, "", nil)), "GET", "sources", "sources")
	if r.Status != 502 || !strings.Contains(string(r.Body), "is the proxy running") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}
