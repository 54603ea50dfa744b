package plugin

import (
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// The port checked on cases worked out by hand from the Grafana source cited in expr_test.go
// (converter.go isNumberTable/extractNumberSet/WideToMany, commands.go ReduceCommand.Execute,
// mathexp/reduce.go Last and the mappers, threshold.go predicates).
func TestExpressionPort(t *testing.T) {
	table := data.NewFrame("",
		data.NewField("miner", nil, []string{"a", "b"}),
		data.NewField("hashrate", nil, []*float64{ptr(0), nil}),
	)
	values, noData, err := convertFrames(data.Frames{table})
	if err != nil || noData || len(values) != 2 || values[0].labels["miner"] != "a" || *values[0].value != 0 || !math.IsNaN(*values[1].value) {
		t.Fatalf("number table: %+v %v %v", values, noData, err)
	}
	// dropNN leaves the NaN row out; the threshold fires for a
	got := threshold(reduceLast(values, dropNN{}), "lt", 1)
	if len(got) != 1 || *got["{miner=a}"] != 1 {
		t.Fatalf("%v", got)
	}
	// replaceNN 0 keeps it as 0
	got = threshold(reduceLast(values, replaceNN{0}), "lt", 1)
	if len(got) != 2 || *got["{miner=b}"] != 1 {
		t.Fatalf("%v", got)
	}
	// a table with two numbers (or a boolean) is not a number table and has no time: refused
	two := data.NewFrame("", data.NewField("a", nil, []float64{1}), data.NewField("b", nil, []float64{2}))
	if _, _, err := convertFrames(data.Frames{two}); err == nil {
		t.Fatal("two numbers without time must be refused")
	}
	withBool := data.NewFrame("", data.NewField("a", nil, []string{"x"}), data.NewField("up", nil, []bool{true}))
	if _, _, err := convertFrames(data.Frames{withBool}); err == nil {
		t.Fatal("a boolean column must be refused (otherCount > 0)")
	}
	// a wide series: last point, labels from the field
	now := time.Now()
	wide := data.NewFrame("", data.NewField("time", nil, []time.Time{now.Add(-time.Minute), now}),
		data.NewField("bytes", data.Labels{"source": "btc"}, []*float64{ptr(5e6), ptr(1e6)}))
	values, _, err = convertFrames(data.Frames{wide})
	if err != nil || len(values) != 1 || !values[0].series {
		t.Fatalf("%+v %v", values, err)
	}
	got = threshold(reduceLast(values, dropNN{}), "gt", 3e6)
	if *got["{source=btc}"] != 0 {
		t.Fatalf("last is 1e6: %v", got)
	}
	// no frames: NoData
	if _, noData, _ := convertFrames(nil); !noData {
		t.Fatal("no frames is NoData")
	}
}

func ptr(f float64) *float64 { return &f }
