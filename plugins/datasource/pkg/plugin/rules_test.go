package plugin

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"gopkg.in/yaml.v3"
)

// The provisioned live alert rules (provisioning/alerting/nodescope-live-rules.yaml, generated
// from provisioning/build/liveRules.ts) evaluated as Grafana evaluates them: query A through
// the built backend binary (launched as Grafana launches it), then the reduce and threshold
// expressions as pkg/expr runs them (expr_test.go), over the simulators — normal first, then
// each fault makes its rule fire for the right labels, and clearing it resolves it.

type ruleFile struct {
	Groups []struct {
		Folder string `yaml:"folder"`
		Rules  []struct {
			UID       string `yaml:"uid"`
			Title     string `yaml:"title"`
			Condition string `yaml:"condition"`
			Data      []struct {
				RefID             string `yaml:"refId"`
				DatasourceUID     string `yaml:"datasourceUid"`
				RelativeTimeRange struct {
					From int64 `yaml:"from"`
					To   int64 `yaml:"to"`
				} `yaml:"relativeTimeRange"`
				Model map[string]any `yaml:"model"`
			} `yaml:"data"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

type liveRule struct {
	title string
	query backend.DataQuery
	// B: reduce; C: threshold
	reduceMode     string
	thresholdOp    string
	thresholdValue float64
}

func loadLiveRules(t *testing.T) map[string]liveRule {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "provisioning", "alerting", "nodescope-live-rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var file ruleFile
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	out := map[string]liveRule{}
	for _, group := range file.Groups {
		for _, r := range group.Rules {
			if len(r.Data) != 3 || r.Condition != "C" {
				t.Fatalf("%s: want A (query), B (reduce), C (threshold), condition C", r.Title)
			}
			a, b, c := r.Data[0], r.Data[1], r.Data[2]
			if a.DatasourceUID != "nodescope" || b.Model["type"] != "reduce" || b.Model["expression"] != "A" || b.Model["reducer"] != "last" ||
				c.Model["type"] != "threshold" || c.Model["expression"] != "B" {
				t.Fatalf("%s: unexpected shape %+v", r.Title, r.Data)
			}
			model, _ := json.Marshal(a.Model)
			// ngalert turns the rule's query into a backend.DataQuery: the relative range from now,
			// intervalMs and maxDataPoints from the model (pkg/services/ngalert/eval)
			now := time.Now()
			q := backend.DataQuery{
				RefID:         "A",
				JSON:          model,
				TimeRange:     backend.TimeRange{From: now.Add(-time.Duration(a.RelativeTimeRange.From) * time.Second), To: now.Add(-time.Duration(a.RelativeTimeRange.To) * time.Second)},
				Interval:      time.Duration(a.Model["intervalMs"].(int)) * time.Millisecond,
				MaxDataPoints: int64(a.Model["maxDataPoints"].(int)),
			}
			mode := ""
			if settings, ok := b.Model["settings"].(map[string]any); ok {
				mode, _ = settings["mode"].(string)
			}
			conditions := c.Model["conditions"].([]any)
			evaluator := conditions[0].(map[string]any)["evaluator"].(map[string]any)
			params := evaluator["params"].([]any)
			var limit float64
			switch v := params[0].(type) {
			case int:
				limit = float64(v)
			case float64:
				limit = v
			}
			out[r.Title] = liveRule{title: r.Title, query: q, reduceMode: mode, thresholdOp: evaluator["type"].(string), thresholdValue: limit}
		}
	}
	return out
}

// evaluate runs one rule: the condition's value per label set (1 firing, 0 normal), or why not.
func (l *launched) evaluate(t *testing.T, pc backend.PluginContext, rule liveRule) (map[string]float64, error) {
	t.Helper()
	q := rule.query
	span := q.TimeRange.To.Sub(q.TimeRange.From)
	q.TimeRange = backend.TimeRange{From: time.Now().Add(-span), To: time.Now()}
	res := l.queryData(t, &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{q}})
	r, ok := res.Responses["A"]
	if !ok {
		return nil, fmt.Errorf("no response for A")
	}
	if r.Error != nil {
		return nil, r.Error
	}
	values, noData, err := convertFrames(r.Frames)
	if err != nil {
		return nil, err
	}
	if noData {
		return nil, fmt.Errorf("NoData")
	}
	var m mapper
	switch rule.reduceMode {
	case "dropNN":
		m = dropNN{}
	case "":
	default:
		t.Fatalf("reduce mode %q not ported", rule.reduceMode)
	}
	out := map[string]float64{}
	for key, v := range threshold(reduceLast(values, m), rule.thresholdOp, rule.thresholdValue) {
		if v == nil {
			return nil, fmt.Errorf("%s: no value for %s", rule.title, key)
		}
		out[key] = *v
	}
	return out, nil
}

func firing(states map[string]float64) []string {
	var out []string
	for k, v := range states {
		if v == 1 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// waitFor evaluates the rule until its firing label sets are exactly want (polls and caches
// need a few seconds to see a fault).
func (l *launched) waitFor(t *testing.T, pc backend.PluginContext, rule liveRule, want []string, within time.Duration, nudge func()) map[string]float64 {
	t.Helper()
	var states map[string]float64
	var err error
	deadline := time.Now().Add(within)
	for {
		states, err = l.evaluate(t, pc, rule)
		if err == nil && strings.Join(firing(states), " ") == strings.Join(want, " ") {
			return states
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: want firing %v, got %v (err %v)", rule.title, want, states, err)
		}
		if nudge != nil {
			nudge()
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestLiveAlertRulesFireAndResolve(t *testing.T) {
	rules := loadLiveRules(t)
	for _, title := range []string{"LiveMinerOffline", "LiveMinerHot", "LiveMempoolCongested", "LiveBitcoinNodeStalled", "LiveFreqtradeBotDown"} {
		if _, ok := rules[title]; !ok {
			t.Fatalf("rule %s missing from the provisioning file", title)
		}
	}
	stack := startProxyStack(t)
	l := launch(t, builtBinary(t))
	settings := instanceSettings(stack.URL, stack.APIKey, nil)
	settings.UID = "nodescope"
	pc := pluginContext(settings)

	// miner names as the variable editor lists them
	res := l.callResource(t, pc, "variables", "variables?name=miners&sourceId=farm-a")
	var miners struct {
		Values []struct{ Value string } `json:"values"`
	}
	if err := json.Unmarshal(res[0].Body, &miners); err != nil || len(miners.Values) < 2 {
		t.Fatalf("miners: %s", res[0].Body)
	}
	m0, m1 := miners.Values[0].Value, miners.Values[1].Value
	const within = 30 * time.Second

	// everything normal, and every rule has values (a query that cannot be read would be NoData/Error)
	for _, rule := range rules {
		states := l.waitFor(t, pc, rule, nil, within, nil)
		if len(states) == 0 {
			t.Fatalf("%s: no label sets", rule.title)
		}
		t.Logf("%s normal: %d label sets", rule.title, len(states))
	}

	// a miner goes offline, another runs hot
	stack.do(t, map[string]any{"op": "minerFault", "miner": m0, "fault": "offline"})
	stack.do(t, map[string]any{"op": "minerFault", "miner": m1, "fault": "hot"})
	l.waitFor(t, pc, rules["LiveMinerOffline"], []string{fmt.Sprintf("{miner=%s, source=farm-a}", m0)}, within, nil)
	l.waitFor(t, pc, rules["LiveMinerHot"], []string{fmt.Sprintf("{miner=%s, source=farm-a}", m1)}, within, nil)
	stack.do(t, map[string]any{"op": "minerClear"})
	l.waitFor(t, pc, rules["LiveMinerOffline"], nil, within, nil)
	l.waitFor(t, pc, rules["LiveMinerHot"], nil, within, nil)

	// a bot's API goes down, then comes back
	stack.do(t, map[string]any{"op": "botFault", "bot": 0, "fault": "down"})
	l.waitFor(t, pc, rules["LiveFreqtradeBotDown"], []string{"{bot=momentum, source=bot-1}"}, within, nil)
	stack.do(t, map[string]any{"op": "botClear", "bot": 0})
	l.waitFor(t, pc, rules["LiveFreqtradeBotDown"], nil, within, nil)

	// the mempool fills past three blocks of vsize, then blocks clear it
	stack.do(t, map[string]any{"op": "addTransactions", "count": 8000})
	l.waitFor(t, pc, rules["LiveMempoolCongested"], []string{"{source=btc-main}"}, within, nil)
	l.waitFor(t, pc, rules["LiveMempoolCongested"], nil, 90*time.Second, func() { stack.do(t, map[string]any{"op": "mineBlock"}) })

	// two hours pass without a block (the proxy's clock moves on), then a block arrives: the
	// stack's btc-backup follows btc-main's blocks, so both nodes stall and both recover
	stack.do(t, map[string]any{"op": "skewClock", "seconds": 7200})
	l.waitFor(t, pc, rules["LiveBitcoinNodeStalled"], []string{"{source=btc-backup}", "{source=btc-main}"}, within, nil)
	stack.do(t, map[string]any{"op": "skewClock", "seconds": 0})
	stack.do(t, map[string]any{"op": "mineBlock"})
	l.waitFor(t, pc, rules["LiveBitcoinNodeStalled"], nil, within, nil)
}
