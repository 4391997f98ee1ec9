//go:build !decodeonly

package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/internal/yamlfile"
	"github.com/serialgate/serialgate/scanner"
)

// stationConfig is the station's configuration file (station.yaml), or
// the same built from flags for the common case without a file.
type stationConfig struct {
	Station    string
	Line       string
	Workflow   string // verify or prereg
	Rules      string // rules file; "" is the sample built in
	Model      string // verify: the line's model (or ASIN)
	ASIN       string
	Manifest   string // prereg: orders file
	Sources    []string
	Store      string // sqlite:PATH or postgres://...
	Listen     string // the API and screen; "" for none
	Token      string // required when Listen is not loopback
	Duplicates duplicateConfig
	Sinks      []sinkConfig
	Lock       lockConfig

	// extra are sources a command builds itself (the demo's), by name.
	extra map[string]serialgate.Source
}

// lockConfig is when the station locks for a supervisor.
type lockConfig struct {
	PIN         string
	OnDuplicate bool
	AfterFails  int
}

type duplicateConfig struct {
	Policy string        // reject, warn or rescan
	Window time.Duration // rescan: a re-scan within this is the same record
}

// sinkConfig is one place events are delivered to.
type sinkConfig struct {
	Name          string
	Type          string   // sns, http, mqtt or file
	URL           string   // http: the endpoint; mqtt: tcp://host:port; file: the path
	Topic         string   // sns: the topic ARN; mqtt: the topic prefix
	Region        string   // sns
	Endpoint      string   // sns: an endpoint override (an emulator)
	Manufacturers []string // the manufacturers routed here; empty: all
	pos           yamlfile.Pos
}

// loadStationConfig reads a station configuration file, reporting every
// problem at its line and column.
func loadStationConfig(file string) (*stationConfig, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	root, err := yamlfile.Root(file, "station config", data)
	if err != nil {
		return nil, err
	}
	r := &yamlfile.Reader{File: file}
	c := &stationConfig{Workflow: "verify", Duplicates: duplicateConfig{Policy: "reject"}}
	var workflowNode *yaml.Node
	r.Fields(root, "station config", []yamlfile.Field{
		{Key: "station", Required: true}, {Key: "line"}, {Key: "workflow"}, {Key: "rules"}, {Key: "model"}, {Key: "asin"},
		{Key: "manifest"}, {Key: "sources", Required: true}, {Key: "store", Required: true}, {Key: "listen"}, {Key: "token"},
		{Key: "duplicates"}, {Key: "sinks"}, {Key: "lock"},
	}, func(key string, k, v *yaml.Node) {
		switch key {
		case "station":
			c.Station, _ = r.Str(v, key)
		case "line":
			c.Line, _ = r.Str(v, key)
		case "workflow":
			workflowNode = v
			c.Workflow, _ = r.OneOf(v, key, "verify", "prereg")
		case "rules":
			c.Rules, _ = r.Str(v, key)
		case "model":
			c.Model, _ = r.Str(v, key)
		case "asin":
			c.ASIN, _ = r.Str(v, key)
		case "manifest":
			c.Manifest, _ = r.Str(v, key)
		case "sources":
			for _, it := range r.List(v, key) {
				if s, ok := r.Str(it, "source"); ok {
					if err := scanner.CheckSpec(s); err != nil {
						r.Errorf(it, "source: %v", firstLine(err))
					}
					c.Sources = append(c.Sources, s)
				}
			}
		case "store":
			if s, ok := r.Str(v, key); ok {
				if !strings.HasPrefix(s, "sqlite:") && !strings.HasPrefix(s, "postgres://") && !strings.HasPrefix(s, "postgresql://") {
					r.Errorf(v, "store: want sqlite:PATH or postgres://…")
				}
				c.Store = s
			}
		case "listen":
			c.Listen, _ = r.Str(v, key)
		case "token":
			c.Token, _ = r.Str(v, key)
		case "duplicates":
			r.Fields(v, "duplicates", []yamlfile.Field{{Key: "policy", Required: true}, {Key: "window"}}, func(key string, k, v *yaml.Node) {
				switch key {
				case "policy":
					c.Duplicates.Policy, _ = r.OneOf(v, "duplicates.policy", "reject", "warn", "rescan")
				case "window":
					c.Duplicates.Window, _ = r.Duration(v, "duplicates.window")
				}
			})
		case "lock":
			r.Fields(v, "lock", []yamlfile.Field{{Key: "pin"}, {Key: "on_duplicate"}, {Key: "after_fails"}}, func(key string, k, v *yaml.Node) {
				switch key {
				case "pin":
					c.Lock.PIN, _ = r.Str(v, "lock.pin")
				case "on_duplicate":
					c.Lock.OnDuplicate = r.Bool(v, "lock.on_duplicate")
				case "after_fails":
					c.Lock.AfterFails = r.Int(v, "lock.after_fails")
				}
			})
		case "sinks":
			for _, it := range r.List(v, key) {
				s := sinkConfig{pos: r.Pos(it)}
				r.Fields(it, "sink", []yamlfile.Field{{Key: "name", Required: true}, {Key: "type", Required: true}, {Key: "url"}, {Key: "topic"},
					{Key: "region"}, {Key: "endpoint"}, {Key: "manufacturers"}}, func(key string, k, v *yaml.Node) {
					switch key {
					case "name":
						s.Name, _ = r.Str(v, key)
					case "type":
						s.Type, _ = r.OneOf(v, "sink type", "sns", "http", "mqtt", "file")
					case "url":
						s.URL, _ = r.Str(v, key)
					case "topic":
						s.Topic, _ = r.Str(v, key)
					case "region":
						s.Region, _ = r.Str(v, key)
					case "endpoint":
						s.Endpoint, _ = r.Str(v, key)
					case "manufacturers":
						s.Manufacturers = r.Strs(v, key)
					}
				})
				switch {
				case s.Type == "sns" && s.Topic == "":
					r.Errorf(it, "sink %s: an sns sink needs topic (the topic ARN)", s.Name)
				case (s.Type == "http" || s.Type == "mqtt" || s.Type == "file") && s.URL == "":
					r.Errorf(it, "sink %s: a %s sink needs url", s.Name, s.Type)
				}
				c.Sinks = append(c.Sinks, s)
			}
		}
	})
	if c.Workflow == "prereg" && c.Model != "" && workflowNode != nil {
		r.Errorf(workflowNode, "workflow prereg takes its models from the manifest's ASINs, not model")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
