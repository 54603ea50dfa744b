package plugin

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// The proxy writes frames the way @grafana/data's dataFrameToJSON does (plugins/shared
// dataframe.ts): each schema field has the frontend `type` (time, number, string, boolean,
// other, enum) but no `typeInfo`. The SDK's reader needs `typeInfo.frame` for every field
// (grafana-plugin-sdk-go@v0.300.0 data/frame_json.go:253 reports `field %q has no type`), so
// the schema gets one derived from `type` and the SDK then reads names, labels, config, meta
// and values as it reads any DataFrameJSON.

// frameTypeOf maps a frontend field type to the SDK's Go field type. Every type is read as
// nullable because proxy columns may hold null (a miner that did not answer).
var frameTypeOf = map[string]data.FieldType{
	"time":    data.FieldTypeNullableTime,
	"number":  data.FieldTypeNullableFloat64,
	"string":  data.FieldTypeNullableString,
	"boolean": data.FieldTypeNullableBool,
	"enum":    data.FieldTypeNullableEnum,
	// JSON values (objects, arrays); the SDK reads them as json.RawMessage, null included
	"other": data.FieldTypeJSON,
}

// typeInfo as the SDK writes it (data/frame_json.go fieldTypeInfo).
type typeInfo struct {
	Frame    data.FieldType `json:"frame"`
	Nullable bool           `json:"nullable,omitempty"`
}

type proxySchema struct {
	Name   string                       `json:"name,omitempty"`
	RefID  string                       `json:"refId,omitempty"`
	Meta   json.RawMessage              `json:"meta,omitempty"`
	Fields []map[string]json.RawMessage `json:"fields"`
}

type proxyFrame struct {
	Schema *proxySchema     `json:"schema"`
	Data   *json.RawMessage `json:"data,omitempty"`
}

// FrameFromProxyJSON reads one DataFrameJSON written by the proxy into a data.Frame.
func FrameFromProxyJSON(raw []byte) (*data.Frame, error) {
	var pf proxyFrame
	if err := json.Unmarshal(raw, &pf); err != nil {
		return nil, fmt.Errorf("frame is not DataFrameJSON: %w", err)
	}
	if pf.Schema == nil {
		return nil, fmt.Errorf("frame has no schema")
	}
	for i, field := range pf.Schema.Fields {
		if _, ok := field["typeInfo"]; ok {
			continue // already written by a Go producer
		}
		var kind string
		if t, ok := field["type"]; ok {
			_ = json.Unmarshal(t, &kind)
		}
		ft, ok := frameTypeOf[kind]
		if !ok {
			var name string
			_ = json.Unmarshal(field["name"], &name)
			return nil, fmt.Errorf("frame %q: field %d (%q) has unknown type %q", pf.Schema.Name, i, name, kind)
		}
		encoded, err := json.Marshal(typeInfo{Frame: ft.NonNullableType(), Nullable: ft.Nullable()})
		if err != nil {
			return nil, err
		}
		field["typeInfo"] = encoded
	}
	withTypes, err := json.Marshal(pf)
	if err != nil {
		return nil, err
	}
	frame := &data.Frame{}
	if err := frame.UnmarshalJSON(withTypes); err != nil {
		return nil, fmt.Errorf("frame %q: %w", pf.Schema.Name, err)
	}
	return frame, nil
}

var aliasPattern = regexp.MustCompile(`\{\{\s*([\w.-]+)\s*\}\}`)

// renderAlias replaces {{key}} with values[key], leaving unknown keys as written — the same
// rule as the frontend's renderAlias (src/interpolate.ts).
func renderAlias(alias string, values map[string]string) string {
	return aliasPattern.ReplaceAllStringFunc(alias, func(whole string) string {
		key := aliasPattern.FindStringSubmatch(whole)[1]
		if v, ok := values[key]; ok {
			return v
		}
		return whole
	})
}

// applyAlias sets displayNameFromDS on the number fields, as the frontend's shapeFrame does.
func applyAlias(frame *data.Frame, alias, sourceID, query string) {
	if alias == "" {
		return
	}
	for _, field := range frame.Fields {
		if field.Type() != data.FieldTypeFloat64 && field.Type() != data.FieldTypeNullableFloat64 {
			continue
		}
		values := map[string]string{"field": field.Name, "source": sourceID, "query": query}
		for k, v := range field.Labels {
			values[k] = v
		}
		if field.Config == nil {
			field.Config = &data.FieldConfig{}
		}
		field.Config.DisplayNameFromDS = renderAlias(alias, values)
	}
}

// Annotation is one entry of GET /api/annotations.
type Annotation struct {
	Time    int64    `json:"time"`
	TimeEnd *int64   `json:"timeEnd,omitempty"`
	Title   string   `json:"title"`
	Text    string   `json:"text"`
	Tags    []string `json:"tags"`
}

// annotationsFrame is the frame Grafana's standard annotation support reads (time, timeEnd,
// title, text, tags), as the frontend's annotationsToFrame builds it.
func annotationsFrame(annotations []Annotation) *data.Frame {
	times := make([]time.Time, len(annotations))
	ends := make([]time.Time, len(annotations))
	titles := make([]string, len(annotations))
	texts := make([]string, len(annotations))
	tags := make([]json.RawMessage, len(annotations))
	for i, a := range annotations {
		times[i] = time.UnixMilli(a.Time).UTC()
		end := a.Time
		if a.TimeEnd != nil {
			end = *a.TimeEnd
		}
		ends[i] = time.UnixMilli(end).UTC()
		titles[i] = a.Title
		texts[i] = a.Text
		list := a.Tags
		if list == nil {
			list = []string{}
		}
		tags[i], _ = json.Marshal(list)
	}
	frame := data.NewFrame("annotations",
		data.NewField("time", nil, times),
		data.NewField("timeEnd", nil, ends),
		data.NewField("title", nil, titles),
		data.NewField("text", nil, texts),
		data.NewField("tags", nil, tags),
	)
	frame.Meta = &data.FrameMeta{DataTopic: data.DataTopicAnnotations}
	return frame
}

// SelectFields is the frame with only the named fields, in that order; boolean fields become
// numbers (1 true, 0 false, null kept) because Grafana's expressions read numbers only.
func SelectFields(frame *data.Frame, names []string) (*data.Frame, error) {
	byName := make(map[string]*data.Field, len(frame.Fields))
	have := make([]string, 0, len(frame.Fields))
	for _, f := range frame.Fields {
		byName[f.Name] = f
		have = append(have, f.Name)
	}
	out := data.NewFrame(frame.Name)
	out.RefID = frame.RefID
	out.Meta = frame.Meta
	for _, name := range names {
		f, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("fields: frame %q has no field %q; it has: %s", frame.Name, name, strings.Join(have, ", "))
		}
		if f.Type() == data.FieldTypeNullableBool || f.Type() == data.FieldTypeBool {
			values := make([]*float64, f.Len())
			for i := range values {
				b, ok := f.ConcreteAt(i)
				if !ok {
					continue
				}
				v := 0.0
				if b.(bool) {
					v = 1
				}
				values[i] = &v
			}
			converted := data.NewField(f.Name, f.Labels, values)
			converted.Config = f.Config
			f = converted
		}
		out.Fields = append(out.Fields, f)
	}
	return out, nil
}
