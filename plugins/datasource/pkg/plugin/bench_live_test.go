package plugin

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// A ZMQ event to a Grafana Live frame: the bitcoind simulator publishes `sequence` A events for
// new transactions (stack.bitcoin.addTransactions), the proxy's MempoolSync applies them and its
// live tick streams `mempool.histogram`, and the launched binary's RunStream (called over gRPC as
// Grafana's runstream manager calls it) turns the SSE event into a packet. Beside it, the same
// event to a frame on a direct SSE client of the proxy: the difference is the backend's share.
// A benchmark, not a test: `npm run bench` (BENCH=live) runs it with -benchtime 1x and prints
// p50/p99 of each (the budget: p99 ≤ 250 ms end to end).
//
// The proxy sends a live histogram frame on the next event-loop turn after a change when the
// stream was quiet, else one per gap of at least 4 ms or four times the last frame's CPU time
// (backend-proxy/src/sources/bitcoin/state.ts, src/core/coalesce.ts): events are sent at random
// moments, so the figures include that spacing.
func BenchmarkLiveZMQToFrame(t *testing.B) {
	events := 40
	if n, err := strconv.Atoi(os.Getenv("BENCH_LIVE_EVENTS")); err == nil && n > 0 {
		events = n
	}
	stack := startProxyStack(t)
	l := launch(t, builtBinary(t))
	pc := pluginContext(instanceSettings(stack.URL, stack.APIKey, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// every packet and every direct SSE frame, with its arrival time
	var mu sync.Mutex
	var viaBinary, viaSSE []time.Time
	path := EncodeStreamPath("btc-main", "mempool.histogram", nil, streamShape{Name: "mempool.histogram.count"})
	if res, err := l.stream.SubscribeStream(ctx, backend.ToProto().SubscribeStreamRequest(&backend.SubscribeStreamRequest{PluginContext: pc, Path: path})); err != nil || backend.FromProto().SubscribeStreamResponse(res).Status != backend.SubscribeStreamStatusOK {
		t.Fatalf("subscribe: %v", err)
	}
	run, err := l.stream.RunStream(ctx, backend.ToProto().RunStreamRequest(&backend.RunStreamRequest{PluginContext: pc, Path: path}))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			if _, err := run.Recv(); err != nil {
				return
			}
			mu.Lock()
			viaBinary = append(viaBinary, time.Now())
			mu.Unlock()
		}
	}()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, stack.URL+"/api/stream?"+url.Values{"sourceId": {"btc-main"}, "query": {"mempool.histogram"}}.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+stack.APIKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("direct SSE: %v", err)
	}
	defer res.Body.Close()
	go func() {
		_ = ReadSSE(res.Body, func(ev SSEEvent) error {
			// the count frame only, as the binary's channel follows it
			if ev.Event == "frame" {
				if f, err := FrameFromProxyJSON([]byte(ev.Data)); err == nil && f.Name == "mempool.histogram.count" {
					mu.Lock()
					viaSSE = append(viaSSE, time.Now())
					mu.Unlock()
				}
			}
			return nil
		})
	}()
	firstAfter := func(times *[]time.Time, t0 time.Time) (time.Duration, bool) {
		mu.Lock()
		defer mu.Unlock()
		for _, at := range *times {
			if at.After(t0) {
				return at.Sub(t0), true
			}
		}
		return 0, false
	}
	// quiet: no frame for 1.5 live ticks, so the next frame is the next event's
	quiet := func() {
		for {
			mu.Lock()
			last := time.Time{}
			if n := len(viaBinary); n > 0 {
				last = viaBinary[n-1]
			}
			if n := len(viaSSE); n > 0 && viaSSE[n-1].After(last) {
				last = viaSSE[n-1]
			}
			mu.Unlock()
			if time.Since(last) > 1500*time.Millisecond {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// the mempool must be synced over ZMQ first (the first frames follow the initial resync)
	stack.do(t, map[string]any{"op": "addTransactions", "count": 1})
	time.Sleep(3 * time.Second)
	var binary, direct, overhead []time.Duration
	for i := 0; i < events; i++ {
		quiet()
		time.Sleep(time.Duration(rand.IntN(1000)) * time.Millisecond) // a random phase of the live tick
		t0 := time.Now()
		stack.do(t, map[string]any{"op": "addTransactions", "count": 3})
		deadline := time.Now().Add(10 * time.Second)
		var b, d time.Duration
		var okB, okD bool
		for time.Now().Before(deadline) && !(okB && okD) {
			time.Sleep(2 * time.Millisecond)
			b, okB = firstAfter(&viaBinary, t0)
			d, okD = firstAfter(&viaSSE, t0)
		}
		if !okB || !okD {
			t.Fatalf("event %d: no frame within 10 s (binary %v, direct %v)", i, okB, okD)
		}
		binary, direct, overhead = append(binary, b), append(direct, d), append(overhead, b-d)
		if os.Getenv("BENCH_LIVE_VERBOSE") != "" {
			t.Logf("event %d: direct %v, binary %v", i, d, b)
		}
	}
	cancel()
	pct := func(s []time.Duration, p float64) float64 {
		sorted := append([]time.Duration(nil), s...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		idx := int(float64(len(sorted)-1) * p)
		return float64(sorted[idx].Microseconds()) / 1000
	}
	t.ReportMetric(float64(events), "events")
	t.ReportMetric(pct(binary, 0.5), "binary-p50-ms")
	t.ReportMetric(pct(binary, 0.99), "binary-p99-ms")
	t.ReportMetric(pct(direct, 0.5), "direct-p50-ms")
	t.ReportMetric(pct(direct, 0.99), "direct-p99-ms")
	t.ReportMetric(pct(overhead, 0.5), "overhead-p50-ms")
	t.ReportMetric(pct(overhead, 0.99), "overhead-p99-ms")
}
