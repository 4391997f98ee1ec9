package publish

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
)

// TypeAttribute is the SNS message attribute that carries the event's
// notificationType, so that a subscription's filter policy can select
// notifications by type.
const TypeAttribute = "type"

// SNS publishes each event to an Amazon SNS topic: the event's body as the
// Message, and as MessageAttributes those drs.MessageAttributes gives (the
// "version" attribute of a v2 notification, none for v1, as DRS publishes
// them and as the Webhook sink's envelope carries them) and the
// notificationType as TypeAttribute. To a FIFO topic (".fifo") it
// publishes with the event ID as deduplication ID and the manufacturer as
// message group.
//
// The region, credentials and endpoint come from the standard AWS
// configuration (environment, shared files, instance role); Region and
// Endpoint override theirs.
type SNS struct {
	TopicARN string
	Region   string // the AWS region; the configuration's when empty
	Endpoint string // the SNS endpoint URL; AWS's when empty
	// Client sends the requests; the SDK's own when nil. It is set on the
	// SNS client's options rather than with config.WithHTTPClient, which
	// refuses a custom client when AWS_CA_BUNDLE is set.
	Client *http.Client

	mu  sync.Mutex
	api *sns.Client
}

var _ serialgate.Publisher = (*SNS)(nil)

// client returns the SNS client, loading the AWS configuration on first
// use. A failed load is tried again on the next call.
func (s *SNS) client(ctx context.Context) (*sns.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.api != nil {
		return s.api, nil
	}
	if s.TopicARN == "" {
		return nil, errors.New("sns sink: TopicARN is empty")
	}
	var opts []func(*config.LoadOptions) error
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	s.api = sns.NewFromConfig(cfg, func(o *sns.Options) {
		if s.Endpoint != "" {
			o.BaseEndpoint = aws.String(s.Endpoint)
		}
		if s.Client != nil {
			o.HTTPClient = s.Client
		}
	})
	return s.api, nil
}

// snsInput is the Publish request of an event.
func snsInput(topicARN string, e serialgate.Event) (*sns.PublishInput, error) {
	if len(e.Body) == 0 {
		return nil, fmt.Errorf("publish event %s to SNS: empty body", e.ID)
	}
	attrs, err := drs.MessageAttributes(e.Type, e.Version)
	if err != nil {
		return nil, fmt.Errorf("publish event %s to SNS: %w", e.ID, err)
	}
	in := &sns.PublishInput{
		TopicArn:          aws.String(topicARN),
		Message:           aws.String(string(e.Body)),
		MessageAttributes: make(map[string]types.MessageAttributeValue, len(attrs)+1),
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		in.MessageAttributes[name] = types.MessageAttributeValue{DataType: aws.String(a.Type), StringValue: aws.String(a.Value)}
	}
	in.MessageAttributes[TypeAttribute] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(e.Type)}
	if strings.HasSuffix(topicARN, ".fifo") {
		in.MessageDeduplicationId = aws.String(e.ID)
		in.MessageGroupId = aws.String(e.Manufacturer)
	}
	return in, nil
}

// Publish publishes the event and returns once SNS accepted it.
func (s *SNS) Publish(ctx context.Context, e serialgate.Event) error {
	api, err := s.client(ctx)
	if err != nil {
		return err
	}
	in, err := snsInput(s.TopicARN, e)
	if err != nil {
		return err
	}
	if _, err := api.Publish(ctx, in); err != nil {
		return fmt.Errorf("publish event %s to %s: %w", e.ID, s.TopicARN, err)
	}
	return nil
}
