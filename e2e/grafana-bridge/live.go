package bridge

// Grafana Live for the harness: the subset of grafana/grafana pkg/services/live that a
// DataSourceWithBackend frontend uses — a centrifuge websocket at /api/live/ws, client
// subscriptions to "<orgId>/ds/<uid>/<path>" handed to the plugin's SubscribeStream, and one
// RunStream per channel whose packets are published to the channel's subscribers, stopped when
// nobody listens any more. Each step cites the Grafana code it follows (grafana/grafana at the
// commits below):
//
//	L = pkg/services/live/live.go@6369ac25ff97afdbf4ca0b0782644a9959c8dad7: ProvideService
//	    (centrifuge.New, node.OnConnect → client.OnSubscribe, the websocket handler that sets
//	    centrifuge.Credentials{UserID} and is routed at GET /api/live/ws), handleOnSubscribe
//	    (orgchannel.StripOrgID, wrong org → ErrorPermissionDenied, live.ParseChannel error →
//	    {400, "invalid channel ID"}, a status other than OK → subscribeStatusToHTTPError:
//	    NotFound → {404, "Not Found"}, PermissionDenied → {403, "Forbidden"})
//	P = pkg/services/live/features/plugin.go@2ad61cf2674dfb83c7ec27badfa6b0c6866698d1
//	    :64 OnSubscribe: SubscribeStream{PluginContext, Path, Data} (:74); status not OK is
//	    returned as is (:83); SubmitStream (:87); reply.Data = InitialData (:100)
//	M = pkg/services/live/runstream/manager.go@6403b8b50ec2ac9ae64e86ad8b3990703088e659
//	    packetSender publishes packet.Data to the channel; one stream per channel (registerStream:
//	    an existing one is reused); watchStream stops it after maxChecks (3) presence checks
//	    every checkInterval (5 s) with no subscriber; runStream re-runs a stream that ended with
//	    an error after getDelay (100 ms·2^n, at most 5 s) and stops one that ended without;
//	    HandleDatasourceUpdate runs every stream of a datasource again with its new settings
//	    (Grafana notices within datasourceCheckInterval, a minute; the bridge at once).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/centrifugal/centrifuge"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	sdkgrpc "github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/live"
)

// orgID is the one org the bridge serves (its plugin context says OrgID 1).
const orgID = 1

// Live is the centrifuge node and the running streams.
type Live struct {
	b      *Bridge
	stream sdkgrpc.StreamClient
	node   *centrifuge.Node
	ws     http.Handler

	// M's defaults; tests shorten them
	CheckInterval time.Duration
	MaxChecks     int

	mu      sync.Mutex
	running map[string]*liveStream
	runs    int
	ctx     context.Context
	cancel  context.CancelFunc
}

// liveStream is one channel's RunStream loop; restart makes it run again at once with the
// current plugin context.
type liveStream struct {
	stop    context.CancelFunc
	restart chan struct{}
}

func newLive(b *Bridge, stream sdkgrpc.StreamClient) (*Live, error) {
	node, err := centrifuge.New(centrifuge.Config{LogLevel: centrifuge.LogLevelNone})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Live{b: b, stream: stream, node: node, running: map[string]*liveStream{}, ctx: ctx, cancel: cancel, CheckInterval: 5 * time.Second, MaxChecks: 3}
	node.OnConnecting(func(ctx context.Context, e centrifuge.ConnectEvent) (centrifuge.ConnectReply, error) {
		return centrifuge.ConnectReply{}, nil // the credentials come from the HTTP handler, as Grafana sets them
	})
	node.OnConnect(func(client *centrifuge.Client) {
		client.OnSubscribe(func(e centrifuge.SubscribeEvent, cb centrifuge.SubscribeCallback) {
			cb(l.onSubscribe(client.Context(), e))
		})
		// the plugin's channels are read-only (the backend's PublishStream says PermissionDenied)
		client.OnPublish(func(e centrifuge.PublishEvent, cb centrifuge.PublishCallback) {
			cb(centrifuge.PublishReply{}, &centrifuge.Error{Code: http.StatusForbidden, Message: http.StatusText(http.StatusForbidden)})
		})
	})
	if err := node.Run(); err != nil {
		cancel()
		return nil, err
	}
	// Grafana's websocketHandler: the signed-in user's id as the centrifuge credentials
	ws := centrifuge.NewWebsocketHandler(node, centrifuge.WebsocketConfig{ReadBufferSize: 1024, WriteBufferSize: 1024, CheckOrigin: func(*http.Request) bool { return true }})
	l.ws = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := centrifuge.SetCredentials(r.Context(), &centrifuge.Credentials{UserID: "1"})
		ws.ServeHTTP(w, r.WithContext(ctx))
	})
	return l, nil
}

func (l *Live) close() {
	l.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = l.node.Shutdown(ctx)
}

// Running is how many channels have a stream (tests).
func (l *Live) Running() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.running)
}

// Runs is how many RunStream calls were made (tests).
func (l *Live) Runs() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.runs
}

// settingsChanged is M's HandleDatasourceUpdate: every stream of the datasource is stopped and
// run again with the new settings (the bridge serves one datasource).
func (l *Live) settingsChanged() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, stream := range l.running {
		select {
		case stream.restart <- struct{}{}:
		default: // a restart is already pending
		}
	}
}

func subscribeError(status backend.SubscribeStreamStatus) error {
	switch status {
	case backend.SubscribeStreamStatusNotFound:
		return &centrifuge.Error{Code: http.StatusNotFound, Message: http.StatusText(http.StatusNotFound)}
	case backend.SubscribeStreamStatusPermissionDenied:
		return &centrifuge.Error{Code: http.StatusForbidden, Message: http.StatusText(http.StatusForbidden)}
	default:
		return &centrifuge.Error{Code: http.StatusInternalServerError, Message: http.StatusText(http.StatusInternalServerError)}
	}
}

// onSubscribe is L's handleOnSubscribe with P's OnSubscribe for the ds scope.
func (l *Live) onSubscribe(ctx context.Context, e centrifuge.SubscribeEvent) (centrifuge.SubscribeReply, error) {
	org, rest, ok := strings.Cut(e.Channel, "/")
	id, err := strconv.ParseInt(org, 10, 64)
	if !ok || err != nil {
		return centrifuge.SubscribeReply{}, centrifuge.ErrorInternal
	}
	if id != orgID {
		return centrifuge.SubscribeReply{}, centrifuge.ErrorPermissionDenied
	}
	addr, err := live.ParseChannel(rest)
	if err != nil {
		return centrifuge.SubscribeReply{}, &centrifuge.Error{Code: http.StatusBadRequest, Message: "invalid channel ID"}
	}
	// GetChannelHandlerFactory: only the ds scope, and only the datasource this bridge serves
	if addr.Scope != live.ScopeDatasource || addr.Namespace != l.b.ds.UID {
		return centrifuge.SubscribeReply{}, centrifuge.ErrorInternal
	}
	pc := l.b.pluginContext()
	protoRes, err := l.stream.SubscribeStream(ctx, backend.ToProto().SubscribeStreamRequest(&backend.SubscribeStreamRequest{PluginContext: pc, Path: addr.Path, Data: e.Data}))
	if err != nil {
		return centrifuge.SubscribeReply{}, centrifuge.ErrorInternal
	}
	res := backend.FromProto().SubscribeStreamResponse(protoRes)
	if res.Status != backend.SubscribeStreamStatusOK {
		return centrifuge.SubscribeReply{}, subscribeError(res.Status)
	}
	l.submit(e.Channel, addr.Path, e.Data)
	reply := centrifuge.SubscribeReply{Options: centrifuge.SubscribeOptions{EmitPresence: true}}
	if res.InitialData != nil {
		reply.Options.Data = res.InitialData.Data()
	}
	return reply, nil
}

// submit starts the channel's stream unless it runs already (M registerStream).
func (l *Live) submit(channel, path string, data []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.running[channel]; ok {
		return
	}
	ctx, cancel := context.WithCancel(l.ctx)
	stream := &liveStream{stop: cancel, restart: make(chan struct{}, 1)}
	l.running[channel] = stream
	stop := func() {
		l.mu.Lock()
		if l.running[channel] == stream {
			delete(l.running, channel)
		}
		l.mu.Unlock()
		cancel()
	}
	go l.watch(ctx, channel, stop)
	go func() {
		defer stop()
		l.run(ctx, stream, channel, path, data)
	}()
}

// watch is M's watchStream presence check.
func (l *Live) watch(ctx context.Context, channel string, stop func()) {
	ticker := time.NewTicker(l.CheckInterval)
	defer ticker.Stop()
	empty := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if l.node.Hub().NumSubscribers(channel) > 0 {
				empty = 0
				continue
			}
			if empty++; empty >= l.MaxChecks {
				stop()
				return
			}
		}
	}
}

// run is M's runStream: RunStream through the plugin's gRPC client, each packet published;
// re-run after an error with M's backoff, a new plugin context each time (settings may change).
func (l *Live) run(ctx context.Context, stream *liveStream, channel, path string, data []byte) {
	failures := 0
	for ctx.Err() == nil {
		started := time.Now()
		attempt, cancelAttempt := context.WithCancel(ctx)
		restarted := make(chan struct{})
		go func() {
			select {
			case <-stream.restart:
				close(restarted)
				cancelAttempt()
			case <-attempt.Done():
			}
		}()
		err := l.runOnce(attempt, channel, path, data)
		cancelAttempt()
		if ctx.Err() != nil {
			return
		}
		select {
		case <-restarted:
			failures = 0
			continue // new settings: run again at once
		default:
		}
		if err == nil {
			return // finished without an error: stopped, as M does
		}
		if time.Since(started) >= 100*time.Millisecond {
			failures = 0
		}
		delay := time.Duration(0)
		if failures > 0 {
			delay = min(100*time.Millisecond*time.Duration(math.Pow(2, float64(failures))), 5*time.Second)
		}
		failures++
		select {
		case <-ctx.Done():
			return
		case <-stream.restart:
			failures = 0
		case <-time.After(delay):
		}
	}
}

func (l *Live) runOnce(ctx context.Context, channel, path string, data []byte) error {
	l.mu.Lock()
	l.runs++
	l.mu.Unlock()
	stream, err := l.stream.RunStream(ctx, backend.ToProto().RunStreamRequest(&backend.RunStreamRequest{PluginContext: l.b.pluginContext(), Path: path, Data: data}))
	if err != nil {
		return err
	}
	for {
		packet, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		// packetSender.Send: PublishLocal(channel, packet.Data)
		if _, err := l.node.Publish(channel, packet.Data); err != nil {
			return fmt.Errorf("publishing to %s: %w", channel, err)
		}
	}
}
