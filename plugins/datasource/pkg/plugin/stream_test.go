package plugin

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/live"
)

// Cases from the HTML standard's event stream section
// (html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation and its
// examples in 9.2.5/9.2.6): CR, LF and CRLF line ends, comments, one dropped space, data lines
// joined with LF, no dispatch without data, "message" as the default type, id persisting.
func TestReadSSEFollowsTheStandard(t *testing.T) {
	stream := "retry: 3000\r\n: stream btc-main mempool.summary\r\n\r\n" +
		"data: YHOO\ndata: +2\ndata: 10\n\n" +
		"id: 7\revent: frame\rdata:{\"a\":1}\r\r" +
		"event: ignored-without-data\n\n" +
		": heartbeat\n\n" +
		"data\n\n" +
		"event: frame\ndata:  two spaces\n\n"
	var got []SSEEvent
	if err := ReadSSE(strings.NewReader(stream), func(ev SSEEvent) error { got = append(got, ev); return nil }); err != nil {
		t.Fatal(err)
	}
	want := []SSEEvent{
		{Event: "message", Data: "YHOO\n+2\n10", Retry: 3 * time.Second},
		{Event: "frame", Data: `{"a":1}`, ID: "7", Retry: 3 * time.Second},
		{Event: "message", Data: "", ID: "7", Retry: 3 * time.Second},
		{Event: "frame", Data: " two spaces", ID: "7", Retry: 3 * time.Second},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
}

func TestStreamPathRoundTripAndRefusal(t *testing.T) {
	path := EncodeStreamPath("btc-main", "mempool.summary", map[string]any{"bands": []string{"1", "2"}}, streamShape{})
	ch := live.Channel{Scope: live.ScopeDatasource, Namespace: "uid-1", Path: path}
	if !ch.IsValid() {
		t.Fatalf("%q is not a valid Live channel", ch.String())
	}
	key, err := DecodeStreamPath(path)
	if err != nil || key.SourceID != "btc-main" || key.Query != "mempool.summary" || fmt.Sprint(key.Params["bands"]) != "[1 2]" {
		t.Fatalf("%+v %v", key, err)
	}
	ds := &Datasource{}
	for _, bad := range []string{"", "stream/", "stream/!!", "other/x", EncodeStreamPath("", "q", nil, streamShape{}), "stream/" + "W10"} {
		res, _ := ds.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: bad})
		if res.Status != backend.SubscribeStreamStatusNotFound {
			t.Errorf("%q: %v", bad, res.Status)
		}
	}
	res, _ := ds.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: path})
	if res.Status != backend.SubscribeStreamStatusOK {
		t.Fatal(res.Status)
	}
	pub, _ := ds.PublishStream(context.Background(), &backend.PublishStreamRequest{Path: path})
	if pub.Status != backend.PublishStreamStatusPermissionDenied {
		t.Fatal("channels are read-only")
	}
}

// What an attacker puts in a channel path (dot segments, percent-encoding,
// doubled slashes, absolute-form targets, prototype-member names) never reaches the proxy:
// SubscribeStream says NotFound and RunStream fails before any request.
func TestHostileStreamPathsNeverReachTheProxy(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the proxy was called: %s %s", r.Method, r.URL)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "k", nil))
	b64 := func(raw string) string { return "stream/" + base64.RawURLEncoding.EncodeToString([]byte(raw)) }
	hostile := []string{
		"stream/../health",
		"../../api/health",
		"stream//" + strings.TrimPrefix(EncodeStreamPath("btc-main", "chain.info", nil, streamShape{}), "stream/"),
		"stream/%2e%2e%2fhealth",
		"http://127.0.0.1:1/api/stream",
		// padded or non-canonical base64 is not what we hand out
		"stream/" + base64.URLEncoding.EncodeToString([]byte(`["btc-main","chain.info"]`)),
		"stream/" + base64.StdEncoding.EncodeToString([]byte(`["btc-main","chain.info?x"]`)),
		b64(`["../health","chain.info"]`),
		b64(`["btc-main","../health"]`),
		b64(`["btc-main","chain.info/../../health"]`),
		b64(`["btc-main","chain.info&sourceId=other"]`),
		b64(`["btc main","chain.info"]`),
		b64(`["btc-main","%2e%2e"]`),
		b64(`["__proto__","constructor"]`),
		b64(`["btc-main","toString()"]`),
		b64(`["btc-main","chain.info",[1,2]]`),
		b64(`["btc-main","chain.info","x"]`),
		b64(`["btc-main","chain.info",{},{"f":["a"],"url":"http://evil"}]`),
		b64(`["btc-main","chain.info",{},{},5]`),
		b64(`{"sourceId":"btc-main","query":"chain.info"}`),
		b64(`["` + strings.Repeat("a", 64) + `","chain.info"]`),
		b64(`["btc-main","` + strings.Repeat("q", 65) + `"]`),
		"stream/" + strings.Repeat("A", 300),
	}
	for _, path := range hostile {
		res, err := ds.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: path})
		if err != nil || res.Status != backend.SubscribeStreamStatusNotFound {
			t.Errorf("SubscribeStream %q: %v %v", path, res, err)
		}
		if err := ds.RunStream(context.Background(), &backend.RunStreamRequest{Path: path}, backend.NewStreamSender(&frameSink{got: make(chan struct{}, 1)})); err == nil {
			t.Errorf("RunStream %q ran", path)
		}
	}
	if n := len(proxy.recorded()); n != 0 {
		t.Fatalf("%d proxy calls", n)
	}
	// the longest a valid key may get: QueryData says the query cannot be followed live
	long := map[string]any{"miner": strings.Repeat("m", 300)}
	if _, err := ds.liveChannel(QueryModel{SourceID: "farm-a", Query: "miners"}, long, ""); err == nil {
		t.Fatal("an over-long channel was handed out")
	}
}

// frameSink collects what RunStream sends to Grafana Live.
type frameSink struct {
	mu     sync.Mutex
	frames []*data.Frame
	got    chan struct{}
}

func (s *frameSink) Send(p *backend.StreamPacket) error {
	frame := &data.Frame{}
	if err := frame.UnmarshalJSON(p.Data); err != nil {
		return err
	}
	s.mu.Lock()
	s.frames = append(s.frames, frame)
	s.mu.Unlock()
	s.got <- struct{}{}
	return nil
}

func TestRunStreamFollowsTheSSEAndReconnects(t *testing.T) {
	var connections int
	var mu sync.Mutex
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		connections++
		n := connections
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		// as backend-proxy/src/http/routes/stream.ts writes it
		fmt.Fprintf(w, "retry: 50\n: stream %s %s\n\n", r.URL.Query().Get("sourceId"), r.URL.Query().Get("query"))
		fmt.Fprintf(w, "id: 1\nevent: frame\ndata: %s\n\n", `{"schema":{"name":"mempool","fields":[{"name":"time","type":"time"},{"name":"size","type":"number"}]},"data":{"values":[[1700000000000],[`+fmt.Sprint(n)+`]]}}`)
		fmt.Fprint(w, "event: frame\ndata: {not json\n\n")
		w.(http.Flusher).Flush()
		// the first connection drops; the second stays until the client leaves
		if n > 1 {
			<-r.Context().Done()
		}
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "k", nil))
	sink := &frameSink{got: make(chan struct{}, 10)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	path := EncodeStreamPath("btc-main", "mempool.summary", map[string]any{"top": 5.0}, streamShape{})
	go func() {
		done <- ds.RunStream(ctx, &backend.RunStreamRequest{Path: path}, backend.NewStreamSender(sink))
	}()
	for i := 0; i < 2; i++ {
		select {
		case <-sink.got:
		case <-time.After(5 * time.Second):
			t.Fatalf("frame %d never arrived", i+1)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if sink.frames[0].Name != "mempool" || *sink.frames[0].Fields[1].At(0).(*float64) != 1 || *sink.frames[1].Fields[1].At(0).(*float64) != 2 {
		t.Fatalf("frames %v", sink.frames)
	}
	req := proxy.recorded()[0]
	if req.Path != "/api/stream" || req.RawQuery != "params=%7B%22top%22%3A5%7D&query=mempool.summary&sourceId=btc-main" || req.Authorization != "Bearer k" {
		t.Fatalf("%+v", req)
	}
}

func TestRunStreamEndsOnARefusedQuery(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"error":"query.query: source \"btc-main\" cannot stream \"chain.info\"; it streams: mempool.summary","statusCode":400}`)
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	err := ds.RunStream(context.Background(), &backend.RunStreamRequest{Path: EncodeStreamPath("btc-main", "chain.info", nil, streamShape{})}, backend.NewStreamSender(&frameSink{got: make(chan struct{}, 1)}))
	if err == nil || !strings.Contains(err.Error(), `cannot stream \"chain.info\"`) && !strings.Contains(err.Error(), `cannot stream "chain.info"`) {
		t.Fatalf("%v", err)
	}
}

// RunStream shapes each frame as QueryData shaped the first result (fields kept in order, the
// alias as each number field's display name), so Grafana's StreamingDataFrame sees one schema.
func TestRunStreamKeepsTheQueryShape(t *testing.T) {
	proxy := newFakeProxy(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		// another frame of the same result first: it has its own channel
		fmt.Fprintf(w, "event: frame\ndata: %s\n\n", `{"schema":{"name":"other","fields":[{"name":"time","type":"time"},{"name":"size","type":"number"},{"name":"bytes","type":"number"}]},"data":{"values":[[1700000000000],[1],[1]]}}`)
		fmt.Fprintf(w, "event: frame\ndata: %s\n\n", `{"schema":{"name":"mempool","fields":[{"name":"time","type":"time"},{"name":"size","type":"number"},{"name":"bytes","type":"number"}]},"data":{"values":[[1700000000000],[3],[900]]}}`)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	ds := newTestDatasource(t, instanceSettings(proxy.URL, "", nil))
	path := EncodeStreamPath("btc-main", "mempool.summary", nil, streamShape{Fields: []string{"time", "bytes"}, Alias: "{{field}} of {{source}}", Name: "mempool"})
	sink := &frameSink{got: make(chan struct{}, 4)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- ds.RunStream(ctx, &backend.RunStreamRequest{Path: path}, backend.NewStreamSender(sink))
	}()
	select {
	case <-sink.got:
	case <-time.After(5 * time.Second):
		t.Fatal("no frame")
	}
	cancel()
	<-done
	f := sink.frames[0]
	if f.Name != "mempool" || len(f.Fields) != 2 || f.Fields[0].Name != "time" || f.Fields[1].Name != "bytes" {
		t.Fatalf("fields %v", f.Fields)
	}
	if f.Fields[1].Config == nil || f.Fields[1].Config.DisplayNameFromDS != "bytes of btc-main" {
		t.Fatalf("config %+v", f.Fields[1].Config)
	}
}
