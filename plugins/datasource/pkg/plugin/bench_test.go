package plugin

import (
	"bytes"
	"net/http"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The backend's overhead: the same query straight to the proxy and through the launched binary
// (gRPC + the proxy call + frame conversion + Arrow), p50 of each and of the difference.
// Timing on a shared machine is noisy, so it runs only with NODESCOPE_BENCH=1 (the issue's
// budget: overhead p50 ≤ 1 ms).
func TestQueryDataOverheadThroughTheBinary(t *testing.T) {
	if os.Getenv("NODESCOPE_BENCH") != "1" {
		t.Skip("timing test: NODESCOPE_BENCH=1 go test -run Overhead ./pkg/plugin/")
	}
	stack := startProxyStack(t)
	l := launch(t, builtBinary(t))
	pc := pluginContext(instanceSettings(stack.URL, stack.APIKey, nil))
	body := []byte(`{"queries":[{"refId":"A","sourceId":"btc-main","query":"chain.info"}],"range":{"from":1700000000000,"to":1700003600000},"intervalMs":15000,"maxDataPoints":500}`)
	direct := func() time.Duration {
		started := time.Now()
		req, _ := http.NewRequest(http.MethodPost, stack.URL+"/api/query", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+stack.APIKey)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = bytes.NewBuffer(nil).ReadFrom(res.Body)
		res.Body.Close()
		return time.Since(started)
	}
	from := time.UnixMilli(1_700_000_000_000)
	q := dataQuery("A", map[string]any{"sourceId": "btc-main", "query": "chain.info"}, from, from.Add(time.Hour))
	through := func() time.Duration {
		started := time.Now()
		res := l.queryData(t, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{q}})
		if r := res.Responses["A"]; r.Error != nil || len(r.Frames) == 0 {
			t.Fatalf("%+v", r)
		}
		return time.Since(started)
	}
	for i := 0; i < 50; i++ { // warm: connections, the proxy's cache, the plugin instance
		direct()
		through()
	}
	const n = 500
	var d, b []time.Duration
	for i := 0; i < n; i++ {
		d = append(d, direct())
		b = append(b, through())
	}
	p50 := func(s []time.Duration) time.Duration {
		sorted := append([]time.Duration(nil), s...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		return sorted[len(sorted)/2]
	}
	overhead := p50(b) - p50(d)
	t.Logf("p50 direct %v, through the binary %v, overhead %v (n=%d)", p50(d), p50(b), overhead, n)
	if overhead > time.Millisecond {
		t.Fatalf("overhead p50 %v > 1 ms", overhead)
	}
}
