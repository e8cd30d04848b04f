package hub

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zgpu/zgpu/fetch"
)

// The logs of a Space are server-sent events (the WHATWG HTML "text/event-
// stream" format):
//
//	GET {endpoint}/api/spaces/{id}/logs/build
//	GET {endpoint}/api/spaces/{id}/logs/run
//
// Each event's data is a JSON object {"data": "one log line\n",
// "timestamp": "2026-12-07T10:00:00.000Z"}; an event whose data is not
// such an object is taken as the text itself. The Hub keeps a stream open
// while the Space builds or runs, so a read always stops at a bound: no
// event for LogLimits.Idle, LogLimits.Total in all, or LogLimits.MaxBytes
// of text. What was read until then is the log.

// LogKind is "build" or "run".
type LogKind string

const (
	BuildLog LogKind = "build"
	RunLog   LogKind = "run"
)

// LogLimits bound one log read.
type LogLimits struct {
	Total    time.Duration // the whole read; default 30s
	Idle     time.Duration // no event for this long ends the read; default 3s
	MaxBytes int           // of text; default 8 MiB
	// Settle, when set, replaces Idle once the first event came: for a log
	// that is complete (a failed build or a crashed app writes no more
	// lines), the Hub sends it in one burst and then only keeps the
	// stream open.
	Settle time.Duration
}

func (l LogLimits) withDefaults() LogLimits {
	if l.Total <= 0 {
		l.Total = 30 * time.Second
	}
	if l.Idle <= 0 {
		l.Idle = 3 * time.Second
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 8 << 20
	}
	return l
}

// Log is the text of a log read from its stream.
type Log struct {
	Text []byte
	// Events is the number of events read.
	Events int
	// Stopped says why the read stopped: "end" (the Hub closed the
	// stream), "idle", "time" or "size".
	Stopped string
}

// maxEventLine bounds one line of the stream.
const maxEventLine = 1 << 20

// Logs reads the build or run log of the Space r within lim.
func (c *Client) Logs(ctx context.Context, r Repo, kind LogKind, lim LogLimits) (*Log, error) {
	lim = lim.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, lim.Total)
	defer cancel()
	u := c.endpoint + "/api/spaces/" + r.ID + "/logs/" + string(kind)
	resp, err := c.fc.Stream(ctx, fetch.Request{URL: u, Accept: "text/event-stream"})
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return &Log{Stopped: "time"}, nil
		}
		return nil, c.explain(err, r, "")
	}
	defer resp.Body.Close()

	events := make(chan []byte)
	done := make(chan error, 1)
	go func() {
		done <- readEvents(resp.Body, events, ctx.Done())
	}()
	log := &Log{}
	idle := time.NewTimer(lim.Idle)
	defer idle.Stop()
	for {
		select {
		case data := <-events:
			log.Events++
			log.Text = append(log.Text, eventText(data)...)
			if len(log.Text) >= lim.MaxBytes {
				log.Text = log.Text[:lim.MaxBytes]
				log.Stopped = "size"
				return log, nil
			}
			if lim.Settle > 0 {
				idle.Reset(lim.Settle)
			} else {
				idle.Reset(lim.Idle)
			}
		case err := <-done:
			if err != nil && ctx.Err() == nil {
				return nil, fmt.Errorf("hub: %s log of %s: %v", kind, r, err)
			}
			log.Stopped = "end"
			if ctx.Err() != nil {
				log.Stopped = "time"
			}
			return log, nil
		case <-idle.C:
			log.Stopped = "idle"
			return log, nil
		case <-ctx.Done():
			log.Stopped = "time"
			return log, nil
		}
	}
}

// readEvents sends the data of each event of an event stream on out until
// the stream ends or stop is closed.
func readEvents(body interface{ Read([]byte) (int, error) }, out chan<- []byte, stop <-chan struct{}) error {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventLine)
	var data []byte
	has := false
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			if has {
				select {
				case out <- data:
				case <-stop:
					return nil
				}
			}
			data, has = nil, false
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		if string(field) != "data" {
			continue // comments (":keep-alive"), event, id, retry
		}
		if has {
			data = append(data, '\n')
		}
		data = append(data, value...)
		has = true
	}
	if has {
		select {
		case out <- data:
		case <-stop:
		}
	}
	return sc.Err()
}

// eventText returns the log text of one event's data, ending in a newline.
func eventText(data []byte) []byte {
	var ev struct {
		Data *string `json:"data"`
	}
	text := data
	if json.Unmarshal(data, &ev) == nil && ev.Data != nil {
		text = []byte(*ev.Data)
	}
	if len(text) == 0 || text[len(text)-1] != '\n' {
		text = append(append([]byte(nil), text...), '\n')
	}
	return text
}
