package plugin

import (
	"context"
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
	path := EncodeStreamPath("btc-main", "mempool.summary", map[string]any{"bands": []string{"1", "2"}})
	ch := live.Channel{Scope: live.ScopeDatasource, Namespace: "uid-1", Path: path}
	if !ch.IsValid() {
		t.Fatalf("%q is not a valid Live channel", ch.String())
	}
	key, err := DecodeStreamPath(path)
	if err != nil || key.SourceID != "btc-main" || key.Query != "mempool.summary" || fmt.Sprint(key.Params["bands"]) != "[1 2]" {
		t.Fatalf("%+v %v", key, err)
	}
	ds := &Datasource{}
	for _, bad := range []string{"", "stream/", "stream/!!", "other/x", EncodeStreamPath("", "q", nil), "stream/" + "W10"} {
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
	path := EncodeStreamPath("btc-main", "mempool.summary", map[string]any{"top": 5.0})
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
	err := ds.RunStream(context.Background(), &backend.RunStreamRequest{Path: EncodeStreamPath("btc-main", "chain.info", nil)}, backend.NewStreamSender(&frameSink{got: make(chan struct{}, 1)}))
	if err == nil || !strings.Contains(err.Error(), `cannot stream \"chain.info\"`) && !strings.Contains(err.Error(), `cannot stream "chain.info"`) {
		t.Fatalf("%v", err)
	}
}
