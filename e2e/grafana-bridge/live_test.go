package bridge

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	centrifugeclient "github.com/centrifugal/centrifuge-go"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Grafana Live over the real binary, spoken to by centrifugal's own Go client (the protocol's
// reference client; the browser uses centrifuge-js, as Grafana's
// public/app/features/live/centrifuge/service.ts does): a live query's channel from
// /api/ds/query, subscribed as "<orgId>/<channel>", gets frames that RunStream read from the real
// proxy's SSE over the simulated fleet; hostile channels are refused with Grafana's codes; the
// stream stops once nobody listens.
func TestLiveRunsThePluginsStreamOverCentrifuge(t *testing.T) {
	b, proxyURL, key := startBridge(t)
	jsonData, _ := json.Marshal(map[string]string{"proxyUrl": proxyURL})
	b.Live().CheckInterval, b.Live().MaxChecks = 100*time.Millisecond, 2
	server := httptest.NewServer(b.Handler())
	t.Cleanup(server.Close)

	body := `{"from":"now-1h","to":"now","queries":[{"refId":"L","datasource":{"uid":"nodescope"},"sourceId":"farm-a","query":"miners","live":true,"fields":["miner","hashrate"]}]}`
	status, out, _ := call(t, "POST", server.URL+"/api/ds/query", body)
	frames, _ := out["results"].(map[string]any)["L"].(map[string]any)["frames"].([]any)
	if status != 200 || len(frames) != 1 {
		t.Fatalf("ds/query %d %v", status, out)
	}
	channel := fmt.Sprint(frames[0].(map[string]any)["schema"].(map[string]any)["meta"].(map[string]any)["channel"])
	if !strings.HasPrefix(channel, "ds/nodescope/stream/") {
		t.Fatalf("channel %q", channel)
	}

	client := centrifugeclient.NewJsonClient("ws"+strings.TrimPrefix(server.URL, "http")+"/api/live/ws", centrifugeclient.Config{})
	t.Cleanup(client.Close)
	if err := client.Connect(); err != nil {
		t.Fatal(err)
	}
	sub, err := client.NewSubscription("1/" + channel)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 16)
	sub.OnPublication(func(e centrifugeclient.PublicationEvent) { got <- e.Data })
	if err := sub.Subscribe(); err != nil {
		t.Fatal(err)
	}
	select {
	case raw := <-got:
		frame := &data.Frame{}
		if err := frame.UnmarshalJSON(raw); err != nil {
			t.Fatalf("publication is not frame JSON: %v %s", err, raw)
		}
		// the query's fields, in its order: the schema the panel got first
		if frame.Name != "miners" || len(frame.Fields) != 2 || frame.Fields[0].Name != "miner" || frame.Fields[1].Name != "hashrate" || frame.Rows() == 0 {
			t.Fatalf("frame %v", frame)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no frame over Live within 20 s (the fleet polls every 2 s)")
	}
	if b.Live().Running() != 1 {
		t.Fatalf("%d streams", b.Live().Running())
	}

	// saving the datasource runs the stream again with the new settings (runstream's
	// HandleDatasourceUpdate): a refused key stops the frames, the right key brings them back
	runs := b.Live().Runs()
	b.UpdateSettings(jsonData, map[string]string{"apiKey": "wrong-key-123456"})
	for deadline := time.Now().Add(5 * time.Second); b.Live().Runs() == runs; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream did not run again after the settings changed")
		}
	}
	time.Sleep(2500 * time.Millisecond) // RunStream now fails on the proxy's 401, and is retried
	for len(got) > 0 {
		<-got
	}
	select {
	case raw := <-got:
		t.Fatalf("a frame with the refused key: %s", raw[:min(len(raw), 200)])
	case <-time.After(3 * time.Second):
	}
	b.UpdateSettings(jsonData, map[string]string{"apiKey": key})
	select {
	case <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("no frame after the right key was saved again")
	}

	// refused subscriptions, with the codes Grafana's handleOnSubscribe returns
	b64 := func(raw string) string { return base64.RawURLEncoding.EncodeToString([]byte(raw)) }
	for _, c := range []struct {
		channel string
		code    uint32
	}{
		{"1/ds/nodescope/stream/" + b64(`["../health","miners"]`), 404},  // the plugin's SubscribeStream: NotFound
		{"1/ds/nodescope/stream/" + b64(`["farm-a","miners?x=1"]`), 404}, // not a query name
		{"1/ds/nodescope/other/path", 404},                               // not our prefix
		{"1/ds/nodescope/stream/%2e%2e", 400},                            // live.ParseChannel: invalid channel ID
		{"1/ds/nodescope/stream/a b", 400},                               //
		{"2/" + channel, 103},                                            // another org: ErrorPermissionDenied
	} {
		refused, err := client.NewSubscription(c.channel)
		if err != nil {
			t.Fatal(err)
		}
		codes := make(chan uint32, 1)
		refused.OnUnsubscribed(func(e centrifugeclient.UnsubscribedEvent) { codes <- e.Code })
		_ = refused.Subscribe()
		select {
		case code := <-codes:
			if code != c.code {
				t.Errorf("%s: code %d, want %d", c.channel, code, c.code)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: not refused", c.channel)
		}
		client.RemoveSubscription(refused)
	}
	if b.Live().Running() != 1 {
		t.Fatalf("a refused channel started a stream: %d", b.Live().Running())
	}

	// the last subscriber leaves: the stream stops after MaxChecks empty presence checks
	if err := sub.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); b.Live().Running() > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream still runs with no subscriber")
		}
	}
}
