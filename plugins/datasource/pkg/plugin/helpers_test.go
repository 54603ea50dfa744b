package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// fakeProxy records what the backend sends; each test sets the answers it needs.
type fakeProxy struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
	handler  http.HandlerFunc
}

type recorded struct {
	Method, Path, RawQuery, Authorization string
	Body                                  []byte
}

func newFakeProxy(t *testing.T, handler http.HandlerFunc) *fakeProxy {
	t.Helper()
	f := &fakeProxy{handler: handler}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := make([]byte, 0)
		if r.Body != nil {
			buf := make([]byte, 1<<20)
			for {
				n, err := r.Body.Read(buf)
				body = append(body, buf[:n]...)
				if err != nil {
					break
				}
			}
		}
		f.mu.Lock()
		f.requests = append(f.requests, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), body})
		f.mu.Unlock()
		f.handler(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeProxy) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// instanceSettings as Grafana sends them for a datasource saved by the config editor.
func instanceSettings(proxyURL, apiKey string, extra map[string]any) backend.DataSourceInstanceSettings {
	jd := map[string]any{"proxyUrl": proxyURL}
	for k, v := range extra {
		jd[k] = v
	}
	raw, _ := json.Marshal(jd)
	secure := map[string]string{}
	if apiKey != "" {
		secure["apiKey"] = apiKey
	}
	return backend.DataSourceInstanceSettings{UID: "nodescope-uid", Name: "nodescope", Type: PluginID, JSONData: raw, DecryptedSecureJSONData: secure}
}

func newTestDatasource(t *testing.T, settings backend.DataSourceInstanceSettings) *Datasource {
	t.Helper()
	inst, err := NewDatasource(context.Background(), settings)
	if err != nil {
		t.Fatal(err)
	}
	ds := inst.(*Datasource)
	t.Cleanup(ds.Dispose)
	return ds
}

func dataQuery(refID string, model map[string]any, from, to time.Time) backend.DataQuery {
	raw, _ := json.Marshal(model)
	return backend.DataQuery{RefID: refID, JSON: raw, TimeRange: backend.TimeRange{From: from, To: to}, Interval: 15 * time.Second, MaxDataPoints: 500}
}
