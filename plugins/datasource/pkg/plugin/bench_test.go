package plugin

import (
	"bytes"
	"sort"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The backend's overhead: the same query straight to the proxy and through the launched binary
// (gRPC + the proxy call + frame conversion + Arrow), p50 of each and of the difference. A
// benchmark, not a test (timing on a shared machine proves nothing): `npm run bench` runs it with
// `go test -run '^$' -bench QueryDataOverhead -benchtime 1x` and reports the figures beside the
// direct call (the budget: overhead p50 ≤ 1 ms).
func BenchmarkQueryDataOverhead(t *testing.B) {
	stack := startProxyStack(t)
	l := launch(t, builtBinary(t))
	pc := pluginContext(instanceSettings(stack.URL, stack.APIKey, nil))
	body := []byte(`{"queries":[{"refId":"A","sourceId":"btc-main","query":"chain.info"}],"range":{"from":1700000000000,"to":1700003600000},"intervalMs":15000,"maxDataPoints":500}`)
	direct := func() time.Duration {
		started := time.Now()
		res := stack.postQuery(t, body)
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
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	t.ReportMetric(ms(p50(d)), "direct-p50-ms")
	t.ReportMetric(ms(p50(b)), "binary-p50-ms")
	t.ReportMetric(ms(overhead), "overhead-p50-ms")
}
