package plugin

// What Grafana's server-side expressions do with a datasource's frames, ported for the alert
// rule tests (only the parts the nodescope rules use), from grafana/grafana:
//   pkg/expr/converter.go@8e3855945b7c890b4c07e517e4a4786337ae854e Convert: no frames or a frame
//     without fields = NoData; one frame of TimeSeriesTypeNot that isNumberTable (exactly one
//     numeric field, the others strings) = one Number per row labelled by its string fields
//     (extractNumberSet); otherwise every frame must be TimeSeriesTypeWide and each value field
//     is one series with the field's labels (WideToMany); anything else is ErrSeriesMustBeWide.
//   pkg/expr/commands.go@0777d7a387894d33160dcd70bb9f2e38b20784a1 ReduceCommand.Execute: a
//     Series is reduced; a Number passes through, mapped by the mode (nil after mapping = left
//     out); settings.mode dropNN / replaceNN (UnmarshalReduceCommand).
//   pkg/expr/mathexp/reduce.go@598dda5fe2150aca87d063179e80a2b302705899 Last (NaN when empty),
//     Series.Reduce with mapSeries + MapOutput, DropNonNumber, ReplaceNonNumberWithValue.
//   pkg/expr/threshold.go@1f8fcc5f1f04d52a3e7fb4e219ac78b860a741f1 the predicates (gt: f > v,
//     lt: f < v, …) giving 1 or 0, nil stays nil.

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

type exprValue struct {
	labels data.Labels
	// a Number's value, or a Series' points
	value  *float64
	points []*float64
	series bool
}

func labelKey(l data.Labels) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + l[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func isNumberTable(frame *data.Frame) bool {
	numeric, other := 0, 0
	for _, f := range frame.Fields {
		switch t := f.Type(); {
		case t.Numeric():
			numeric++
		case t == data.FieldTypeString || t == data.FieldTypeNullableString:
		default:
			other++
		}
	}
	return numeric == 1 && other == 0
}

// convertFrames is converter.go Convert for a non-Prometheus, non-dataplane datasource.
func convertFrames(frames data.Frames) (values []exprValue, noData bool, err error) {
	if len(frames) == 0 {
		return nil, true, nil
	}
	if len(frames) == 1 {
		frame := frames[0]
		if len(frame.Fields) == 0 {
			return nil, true, nil
		}
		if frame.TimeSeriesSchema().Type == data.TimeSeriesTypeNot && isNumberTable(frame) {
			numeric := 0
			var strs []int
			for i, f := range frame.Fields {
				if f.Type().Numeric() {
					numeric = i
				} else {
					strs = append(strs, i)
				}
			}
			for row := 0; row < frame.Rows(); row++ {
				v, _ := frame.FloatAt(numeric, row)
				var labels data.Labels
				for i, idx := range strs {
					if i == 0 {
						labels = data.Labels{}
					}
					s, _ := frame.ConcreteAt(idx, row)
					labels[frame.Fields[idx].Name] = s.(string)
				}
				values = append(values, exprValue{labels: labels, value: &v})
			}
			return values, false, nil
		}
	}
	for _, frame := range frames {
		schema := frame.TimeSeriesSchema()
		if schema.Type != data.TimeSeriesTypeWide {
			return nil, false, fmt.Errorf("input data must be a wide series but got type %s (input refid)", schema.Type)
		}
		for _, idx := range schema.ValueIndices {
			f := frame.Fields[idx]
			points := make([]*float64, f.Len())
			for i := range points {
				v, err := f.NullableFloatAt(i)
				if err != nil {
					return nil, false, err
				}
				points[i] = v
			}
			values = append(values, exprValue{labels: f.Labels.Copy(), points: points, series: true})
		}
	}
	return values, false, nil
}

type mapper interface {
	in(*float64) *float64
	out(*float64) *float64
}

type dropNN struct{}

func (dropNN) in(s *float64) *float64 {
	if s == nil || math.IsNaN(*s) || math.IsInf(*s, 0) {
		return nil
	}
	return s
}
func (dropNN) out(s *float64) *float64 {
	if s != nil && math.IsNaN(*s) {
		return nil
	}
	return s
}

type replaceNN struct{ value float64 }

func (r replaceNN) in(v *float64) *float64 {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return &r.value
	}
	return v
}
func (r replaceNN) out(s *float64) *float64 {
	if s != nil && math.IsNaN(*s) {
		return &r.value
	}
	return s
}

// reduceLast is ReduceCommand.Execute with reducer "last".
func reduceLast(values []exprValue, m mapper) []exprValue {
	var out []exprValue
	for _, v := range values {
		if !v.series {
			value := v.value
			if m != nil {
				if value = m.in(value); value == nil {
					continue
				}
			}
			out = append(out, exprValue{labels: v.labels, value: value})
			continue
		}
		points := v.points
		if m != nil {
			points = nil
			for _, p := range v.points {
				if p = m.in(p); p != nil {
					points = append(points, p)
				}
			}
		}
		var last *float64
		if len(points) == 0 {
			nan := math.NaN()
			last = &nan
		} else {
			last = points[len(points)-1]
		}
		if last != nil && m != nil {
			last = m.out(last)
		}
		out = append(out, exprValue{labels: v.labels, value: last})
	}
	return out
}

// threshold is ThresholdCommand.Execute for Numbers.
func threshold(values []exprValue, op string, limit float64) map[string]*float64 {
	out := map[string]*float64{}
	for _, v := range values {
		if v.value == nil {
			out[labelKey(v.labels)] = nil
			continue
		}
		var hit bool
		switch op {
		case "gt":
			hit = *v.value > limit
		case "lt":
			hit = *v.value < limit
		case "gte":
			hit = *v.value >= limit
		case "lte":
			hit = *v.value <= limit
		case "eq":
			hit = *v.value == limit
		case "ne":
			hit = *v.value != limit
		default:
			panic("threshold type " + op + " not ported")
		}
		r := 0.0
		if hit {
			r = 1
		}
		out[labelKey(v.labels)] = &r
	}
	return out
}
