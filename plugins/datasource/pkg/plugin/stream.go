package plugin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/live"
)

// A live query's Grafana Live channel is ds/<datasource uid>/stream/<key>, the key being the
// base64url JSON of [sourceId, query, params, shape]: channel paths may only hold
// [A-z0-9_\-/=.] (grafana-plugin-sdk-go@v0.300.0 live/channel.go:73 pathPattern, checked by
// Channel.IsValid), and base64url's alphabet is [A-Za-z0-9_-]. The shape (the query's field
// selection and alias) rides along so RunStream's frames keep the schema of the first result:
// Grafana's StreamingDataFrame replaces its fields, their config and names when a packet's
// schema differs (@grafana/data 12.4.10 dataframe/StreamingDataFrame push / hasSameStructure).
//
// The path arrives from a browser, so it is read as hostile: only our prefix, canonical
// base64url, a 2–4 element tuple whose sourceId follows the proxy's source id rule and whose
// query is a catalog-style name; anything else is refused before any proxy call, and the one
// call RunStream makes is GET <proxy>/api/stream with these values as query parameters.

const streamPrefix = "stream/"

// maxChannelLength: centrifuge refuses a client subscription to a longer channel (its
// Config.ChannelMaxLength, "Zero value means 255", github.com/centrifugal/centrifuge@v0.40.1
// config.go:168-171, the version e2e/grafana-bridge serves Live with), and Grafana prefixes "<orgId>/" (pkg/services/live/orgchannel PrependOrgID):
// leave room for an org id of up to 10 digits.
const maxChannelLength = 255 - len("2147483647/")

var (
	// backend-proxy/src/config/common.ts:7, the proxy's rule for a source id
	sourceIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)
	// catalog names (plugins/shared/src/queries.ts): mempool.summary, fleet.summary, logs
	queryNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*([._-][a-z0-9]+)*$`)
)

type streamKey struct {
	SourceID string
	Query    string
	Params   map[string]any
	Shape    streamShape
}

// streamShape is what QueryData did to the first result's frames besides converting them.
type streamShape struct {
	Fields []string `json:"f,omitempty"`
	Alias  string   `json:"a,omitempty"`
	// Name picks one frame of a result with several: each gets its own channel, because Grafana
	// keeps one StreamingDataFrame per channel (public/app/features/live/centrifuge/service.ts
	// getLiveDataStream, keyed by channel id)
	Name string `json:"n,omitempty"`
}

// EncodeStreamPath is the channel path of one live query.
func EncodeStreamPath(sourceID, query string, params map[string]any, shape streamShape) string {
	tuple := []any{sourceID, query}
	hasShape := len(shape.Fields) > 0 || shape.Alias != "" || shape.Name != ""
	if len(params) > 0 || hasShape {
		if params == nil {
			params = map[string]any{}
		}
		tuple = append(tuple, params)
	}
	if hasShape {
		tuple = append(tuple, shape)
	}
	encoded, _ := json.Marshal(tuple)
	return streamPrefix + base64.RawURLEncoding.EncodeToString(encoded)
}

// DecodeStreamPath reads a channel path back; anything else is not ours.
func DecodeStreamPath(path string) (streamKey, error) {
	var key streamKey
	rest, ok := strings.CutPrefix(path, streamPrefix)
	if !ok || len(path) > maxChannelLength {
		return key, fmt.Errorf("unknown stream path %q", path)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil {
		return key, fmt.Errorf("stream path %q: %w", path, err)
	}
	var tuple []json.RawMessage
	if err := json.Unmarshal(raw, &tuple); err != nil || len(tuple) < 2 || len(tuple) > 4 {
		return key, fmt.Errorf("stream path %q: not [sourceId, query, params, shape]", path)
	}
	if json.Unmarshal(tuple[0], &key.SourceID) != nil || json.Unmarshal(tuple[1], &key.Query) != nil {
		return key, fmt.Errorf("stream path %q: sourceId and query must be strings", path)
	}
	if !sourceIDPattern.MatchString(key.SourceID) {
		return key, fmt.Errorf("stream path %q: %q is not a source id", path, key.SourceID)
	}
	if len(key.Query) > 64 || !queryNamePattern.MatchString(key.Query) {
		return key, fmt.Errorf("stream path %q: %q is not a query name", path, key.Query)
	}
	if len(tuple) >= 3 {
		var params map[string]json.RawMessage
		if json.Unmarshal(tuple[2], &params) != nil || params == nil {
			return key, fmt.Errorf("stream path %q: params must be an object", path)
		}
		key.Params = cleanParams(tuple[2])
	}
	if len(tuple) == 4 {
		dec := json.NewDecoder(bytes.NewReader(tuple[3]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&key.Shape); err != nil {
			return key, fmt.Errorf("stream path %q: shape: %v", path, err)
		}
	}
	return key, nil
}

func (d *Datasource) liveChannel(model QueryModel, params map[string]any, frameName string) (string, error) {
	shape := streamShape{Fields: model.Fields, Alias: model.Alias, Name: frameName}
	channel := live.Channel{Scope: live.ScopeDatasource, Namespace: d.uid, Path: EncodeStreamPath(model.SourceID, model.Query, params, shape)}
	if !channel.IsValid() || len(channel.String()) > maxChannelLength {
		return "", fmt.Errorf("%s %s: the live query's params are too long for a Grafana Live channel; the panel shows the first result only", model.SourceID, model.Query)
	}
	if _, err := DecodeStreamPath(channel.Path); err != nil {
		return "", fmt.Errorf("%s %s: this query cannot be followed live (%v); the panel shows the first result only", model.SourceID, model.Query, err)
	}
	return channel.String(), nil
}

// SubscribeStream accepts the channels this datasource hands out in frame meta.
func (d *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	if _, err := DecodeStreamPath(req.Path); err != nil || d.configErr != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream: the channels are read-only.
func (d *Datasource) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream follows the proxy's SSE for the channel until Grafana cancels the context (the last
// subscriber left), reconnecting after the proxy's `retry:` delay when the stream drops.
func (d *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	key, err := DecodeStreamPath(req.Path)
	if err != nil {
		return err
	}
	if d.configErr != nil {
		return d.configErr
	}
	retry := 3 * time.Second
	for {
		next, err := d.followStream(ctx, key, func(frame *data.Frame) error {
			return sender.SendFrame(frame, data.IncludeAll)
		})
		if ctx.Err() != nil {
			return nil
		}
		if pe, ok := err.(*proxyError); ok && pe.Status >= 400 && pe.Status < 500 && pe.Status != http.StatusTooManyRequests {
			return err // a bad query or key does not get better by retrying
		}
		if next > 0 {
			retry = next
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(retry):
		}
	}
}

// followStream reads one SSE connection, calling send for each `frame` event; it returns the
// last `retry:` the proxy asked for and why the connection ended.
func (d *Datasource) followStream(ctx context.Context, key streamKey, send func(*data.Frame) error) (time.Duration, error) {
	params := url.Values{"sourceId": {key.SourceID}, "query": {key.Query}}
	if len(key.Params) > 0 {
		encoded, _ := json.Marshal(key.Params)
		params.Set("params", string(encoded))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.endpoint("stream", params), nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := d.stream.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		return 0, &proxyError{Status: res.StatusCode, Message: errorText(raw)}
	}
	var retry time.Duration
	err = ReadSSE(res.Body, func(ev SSEEvent) error {
		if ev.Retry > 0 {
			retry = ev.Retry
		}
		if ev.Event != "frame" {
			return nil
		}
		frame, err := FrameFromProxyJSON([]byte(ev.Data))
		if err != nil {
			return nil // one unreadable event does not end the stream
		}
		if key.Shape.Name != "" && frame.Name != key.Shape.Name {
			return nil // another frame of the result: another channel
		}
		// the same steps as QueryData's toResponse, so the schema matches the first result's
		if len(key.Shape.Fields) > 0 {
			if frame, err = SelectFields(frame, key.Shape.Fields); err != nil {
				return nil
			}
		}
		applyAlias(frame, key.Shape.Alias, key.SourceID, key.Query)
		return send(frame)
	})
	return retry, err
}

// SSEEvent is one dispatched Server-Sent Event.
type SSEEvent struct {
	Event string
	Data  string
	ID    string
	Retry time.Duration
}

// maxEventBytes bounds one SSE line (a frame event is one line of JSON).
const maxEventBytes = 16 << 20

// ReadSSE parses an event stream as the HTML standard's "event stream interpretation" does
// (html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation): lines
// end in CRLF, LF or CR; `:` starts a comment; one space after the colon is dropped; data lines
// join with LF; a blank line dispatches; an event without data is not dispatched; the type
// defaults to "message". A `retry:` of digits only is reported with the next event.
func ReadSSE(r io.Reader, onEvent func(SSEEvent) error) error {
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64<<10), maxEventBytes)
	scanner.Split(scanLines)
	var ev SSEEvent
	var dataLines []string
	hasData := false
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" {
			if hasData {
				ev.Data = strings.Join(dataLines, "\n")
				if ev.Event == "" {
					ev.Event = "message"
				}
				if err := onEvent(ev); err != nil {
					return err
				}
			}
			ev = SSEEvent{ID: ev.ID, Retry: ev.Retry} // the last event id and the reconnection time persist
			dataLines, hasData = nil, false
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, found := strings.Cut(line, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		switch field {
		case "event":
			ev.Event = value
		case "data":
			dataLines = append(dataLines, value)
			hasData = true
		case "id":
			if !strings.ContainsRune(value, 0) {
				ev.ID = value
			}
		case "retry":
			if ms, err := strconv.ParseUint(value, 10, 32); err == nil && value != "" {
				ev.Retry = time.Duration(ms) * time.Millisecond
			}
		}
	}
	return scanner.Err()
}

// scanLines splits at CRLF, LF or CR (bufio.ScanLines knows only LF and CRLF).
func scanLines(data []byte, atEOF bool) (int, []byte, error) {
	for i, b := range data {
		switch b {
		case '\n':
			return i + 1, data[:i], nil
		case '\r':
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if atEOF {
				return i + 1, data[:i], nil
			}
			return 0, nil, nil // need one more byte to tell CR from CRLF
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
