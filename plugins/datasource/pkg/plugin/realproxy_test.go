package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// The backend against the real proxy over the simulators: every query of every source gives
// the frames the proxy itself answers (same names, types, labels, config, meta and values), or
// the same error with the same status.

type rawResult struct {
	Frames []struct {
		Schema struct {
			Name   string `json:"name"`
			Meta   json.RawMessage
			Fields []struct {
				Name   string            `json:"name"`
				Type   string            `json:"type"`
				Labels map[string]string `json:"labels"`
				Config json.RawMessage   `json:"config"`
			} `json:"fields"`
		} `json:"schema"`
		Data struct {
			Values [][]json.RawMessage `json:"values"`
		} `json:"data"`
	} `json:"frames"`
	Error  string `json:"error"`
	Status int    `json:"status"`
}

func directQuery(t *testing.T, stack *proxyStack, body any) (int, map[string]rawResult) {
	t.Helper()
	encoded, _ := json.Marshal(body)
	res := stack.postQuery(t, encoded)
	defer res.Body.Close()
	var answer struct {
		Results map[string]rawResult `json:"results"`
	}
	_ = json.NewDecoder(res.Body).Decode(&answer)
	return res.StatusCode, answer.Results
}

type sourceInfo struct {
	ID          string   `json:"id"`
	Kind        string   `json:"kind"`
	Queries     []string `json:"queries"`
	Annotations []string `json:"annotations"`
	Streams     []string `json:"streams"`
}

func listSources(t *testing.T, ds *Datasource) []sourceInfo {
	t.Helper()
	r := callResource(t, ds, "GET", "sources", "sources")
	var body struct {
		Sources []sourceInfo `json:"sources"`
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &body) != nil || len(body.Sources) == 0 {
		t.Fatalf("sources: %d %s", r.Status, r.Body)
	}
	return body.Sources
}

// sameValue compares a value the SDK read with the proxy's JSON for it.
func sameValue(field *data.Field, i int, raw json.RawMessage) bool {
	v := field.At(i)
	if string(raw) == "null" {
		switch x := v.(type) {
		case *float64:
			return x == nil
		case *string:
			return x == nil
		case *bool:
			return x == nil
		case *time.Time:
			return x == nil
		case json.RawMessage:
			return x == nil || string(x) == "null"
		}
		return false
	}
	switch x := v.(type) {
	case *float64:
		var f float64
		return x != nil && json.Unmarshal(raw, &f) == nil && f == *x
	case *string:
		var s string
		return x != nil && json.Unmarshal(raw, &s) == nil && s == *x
	case *bool:
		var b bool
		return x != nil && json.Unmarshal(raw, &b) == nil && b == *x
	case *time.Time:
		var ms float64
		return x != nil && json.Unmarshal(raw, &ms) == nil && x.UnixMilli() == int64(ms)
	case json.RawMessage:
		var a, b any
		return json.Unmarshal(raw, &a) == nil && json.Unmarshal(x, &b) == nil && fmt.Sprint(a) == fmt.Sprint(b)
	}
	return false
}

func TestRealProxyEveryQueryMatchesTheProxysOwnAnswer(t *testing.T) {
	stack := startProxyStack(t)
	ds := newTestDatasource(t, instanceSettings(stack.URL, stack.APIKey, nil))
	now := time.Now()
	rangeFrom, rangeTo := now.Add(-time.Hour), now
	checked, withFrames := 0, 0
	for _, source := range listSources(t, ds) {
		for _, name := range source.Queries {
			refID := "Q"
			q := dataQuery(refID, map[string]any{"sourceId": source.ID, "query": name}, rangeFrom, rangeTo)
			res, err := ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Responses[refID]
			// the same request straight to the proxy (cached there for the same range: same frames)
			_, direct := directQuery(t, stack, map[string]any{
				"queries":       []map[string]any{{"refId": refID, "sourceId": source.ID, "query": name}},
				"range":         map[string]any{"from": rangeFrom.UnixMilli(), "to": rangeTo.UnixMilli()},
				"intervalMs":    15000,
				"maxDataPoints": 500,
			})
			want, ok := direct[refID]
			if !ok {
				t.Fatalf("%s %s: the proxy gave no result", source.ID, name)
			}
			where := source.ID + " " + name
			checked++
			if want.Error != "" {
				if got.Error == nil || int(got.Status) != want.Status || !strings.Contains(got.Error.Error(), strings.TrimPrefix(want.Error, source.ID+": ")) {
					t.Errorf("%s: proxy error %d %q, backend %d %v", where, want.Status, want.Error, got.Status, got.Error)
				}
				continue
			}
			if got.Error != nil || len(got.Frames) != len(want.Frames) {
				t.Errorf("%s: backend %v with %d frames, proxy %d frames", where, got.Error, len(got.Frames), len(want.Frames))
				continue
			}
			if len(want.Frames) > 0 {
				withFrames++
			}
			for fi, wf := range want.Frames {
				gf := got.Frames[fi]
				if gf.Name != wf.Schema.Name || len(gf.Fields) != len(wf.Schema.Fields) || gf.RefID != refID {
					t.Errorf("%s frame %d: %q/%d fields vs %q/%d", where, fi, gf.Name, len(gf.Fields), wf.Schema.Name, len(wf.Schema.Fields))
					continue
				}
				if len(wf.Schema.Meta) > 0 && gf.Meta == nil {
					t.Errorf("%s frame %d: meta lost", where, fi)
				}
				for i, wfield := range wf.Schema.Fields {
					gfield := gf.Fields[i]
					if gfield.Name != wfield.Name || fmt.Sprint(map[string]string(gfield.Labels)) != fmt.Sprint(wfield.Labels) && len(wfield.Labels) > 0 {
						t.Errorf("%s %s: name/labels %q %v vs %q %v", where, wfield.Name, gfield.Name, gfield.Labels, wfield.Name, wfield.Labels)
					}
					if frameTypeOf[wfield.Type] != gfield.Type() {
						t.Errorf("%s %s: type %s for %q", where, wfield.Name, gfield.Type(), wfield.Type)
					}
					var unit struct {
						Unit string `json:"unit"`
					}
					_ = json.Unmarshal(wfield.Config, &unit)
					if unit.Unit != "" && (gfield.Config == nil || gfield.Config.Unit != unit.Unit) {
						t.Errorf("%s %s: unit lost (%q)", where, wfield.Name, unit.Unit)
					}
					values := wf.Data.Values
					if i >= len(values) {
						continue
					}
					if gfield.Len() != len(values[i]) {
						t.Errorf("%s %s: %d values, proxy %d", where, wfield.Name, gfield.Len(), len(values[i]))
						continue
					}
					for row, raw := range values[i] {
						if !sameValue(gfield, row, raw) {
							t.Errorf("%s %s[%d]: %v vs %s", where, wfield.Name, row, gfield.At(row), raw)
							break
						}
					}
				}
			}
		}
	}
	// the simulated stack has a source of every kind; most queries answer with frames
	if checked < 40 || withFrames < checked/2 {
		t.Fatalf("only %d queries checked, %d with frames", checked, withFrames)
	}
	t.Logf("%d queries compared, %d with frames", checked, withFrames)
}

func TestRealProxyHealthResourcesAndKey(t *testing.T) {
	stack := startProxyStack(t)
	ds := newTestDatasource(t, instanceSettings(stack.URL, stack.APIKey, nil))
	// sources start in 'starting' until their first poll; wait for Save & test to go green
	var res *backend.CheckHealthResult
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		res, _ = ds.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if res.Status == backend.HealthStatusOk && !strings.Contains(res.Message, "starting") {
			break
		}
	}
	n := len(listSources(t, ds))
	if res.Status != backend.HealthStatusOk || !strings.HasPrefix(res.Message, fmt.Sprintf("nodescope proxy: %d sources (", n)) {
		t.Fatalf("%+v", res)
	}
	r := callResource(t, ds, "GET", "variables", "variables?name=miners&sourceId=farm-a")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"values":[`) {
		t.Fatalf("variables: %d %s", r.Status, r.Body)
	}
	r = callResource(t, ds, "GET", "variables", "variables?name=nope&sourceId=farm-a")
	if r.Status != 400 || !strings.Contains(string(r.Body), `has no variable`) {
		t.Fatalf("unknown variable: %d %s", r.Status, r.Body)
	}
	to := time.Now()
	r = callResource(t, ds, "GET", "annotations", fmt.Sprintf("annotations?sourceId=btc-main&type=blocks&from=%d&to=%d", to.Add(-24*time.Hour).UnixMilli(), to.UnixMilli()))
	if r.Status != 200 || !strings.Contains(string(r.Body), `"annotations":[`) {
		t.Fatalf("annotations: %d %s", r.Status, r.Body)
	}

	wrong := newTestDatasource(t, instanceSettings(stack.URL, "not-the-key", nil))
	res, _ = wrong.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if res.Status != backend.HealthStatusError || !strings.Contains(res.Message, "the proxy refused the API key") {
		t.Fatalf("wrong key: %+v", res)
	}
}

func TestRealProxyStreamSendsFrames(t *testing.T) {
	stack := startProxyStack(t)
	ds := newTestDatasource(t, instanceSettings(stack.URL, stack.APIKey, nil))
	sink := &frameSink{got: make(chan struct{}, 64)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- ds.RunStream(ctx, &backend.RunStreamRequest{Path: EncodeStreamPath("farm-a", "miners", nil, streamShape{})}, backend.NewStreamSender(sink))
	}()
	select {
	case <-sink.got:
	case <-time.After(20 * time.Second):
		t.Fatal("no frame from the farm-a miners stream within 20 s (the fleet polls every 2 s)")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if f := sink.frames[0]; f.Rows() == 0 || f.Fields[0].Name == "" {
		t.Fatalf("%v", f)
	}
}
