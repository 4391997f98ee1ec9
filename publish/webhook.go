package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
)

// Webhook posts each event to an HTTP endpoint exactly as Amazon SNS posts
// a notification to a subscribed HTTP/HTTPS endpoint: the Notification
// envelope of drs.NotificationEnvelope as the body, with SNS's headers, so
// that a manufacturer's SNS endpoint code receives it unchanged. A 2xx
// answer acknowledges the event; any other answer, or none, is an error.
type Webhook struct {
	URL      string
	TopicARN string // the envelope's TopicArn
	// Client sends the requests. When nil, the sink uses a client of its
	// own that keeps enough idle connections for the relay's workers,
	// follows no redirect and gives up on a request after 30 seconds.
	Client *http.Client
	// Header is added to each request (an Authorization, say); it cannot
	// replace the SNS headers.
	Header http.Header

	once   sync.Once
	client *http.Client
	target string // URL without userinfo, for messages
}

var _ serialgate.Publisher = (*Webhook)(nil)

// snsUserAgent is the User-Agent SNS posts with.
const snsUserAgent = "Amazon Simple Notification Service Agent"

// maxErrBody is how much of an error answer's body a message quotes.
const maxErrBody = 256

func (s *Webhook) init() {
	s.once.Do(func() {
		s.client = s.Client
		if s.client == nil {
			t := http.DefaultTransport.(*http.Transport).Clone()
			// The default keeps 2 idle connections per host: with more
			// workers than that, each request would open a connection.
			t.MaxIdleConnsPerHost = 64
			s.client = &http.Client{Transport: t, Timeout: 30 * time.Second,
				// SNS does not follow redirects: a 3xx is an answer, and not 2xx.
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
		}
		s.target = s.URL
		if u, err := url.Parse(s.URL); err == nil {
			u.User = nil
			s.target = u.String()
		}
	})
}

// Publish posts the event's envelope and waits for the answer.
func (s *Webhook) Publish(ctx context.Context, e serialgate.Event) error {
	s.init()
	if s.URL == "" {
		return errors.New("webhook: URL is empty")
	}
	env, err := drs.NotificationEnvelope(e, s.TopicARN)
	if err != nil {
		return fmt.Errorf("post event %s: %w", e.ID, err)
	}
	body, err := env.Encode()
	if err != nil {
		return fmt.Errorf("post event %s: %w", e.ID, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post event %s to %s: %w", e.ID, s.target, stripURL(err))
	}
	for k, vs := range s.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Content-Type", drs.ContentType)
	req.Header.Set("User-Agent", snsUserAgent)
	req.Header.Set(drs.HeaderMessageType, env.Type)
	req.Header.Set(drs.HeaderMessageID, env.MessageID)
	req.Header.Set(drs.HeaderTopicARN, env.TopicARN)
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("post event %s to %s: %w", e.ID, s.target, stripURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		// Read what is left so that the connection can carry the next post.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrBody+1))
	text := string(bytes.TrimSpace(msg))
	if len(msg) > maxErrBody {
		text = truncate(text, maxErrBody)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if text == "" {
		return fmt.Errorf("post event %s to %s: %s", e.ID, s.target, resp.Status)
	}
	return fmt.Errorf("post event %s to %s: %s: %q", e.ID, s.target, resp.Status, text)
}

// CloseIdleConnections closes the connections the sink keeps open.
func (s *Webhook) CloseIdleConnections() {
	s.init()
	s.client.CloseIdleConnections()
}

// stripURL returns the cause of a *url.Error, whose message quotes the
// URL with its user name; the caller names the URL itself.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
