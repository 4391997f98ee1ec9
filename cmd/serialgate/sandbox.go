//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/serialgate/serialgate/record"
	"github.com/serialgate/serialgate/sandbox"
)

// sandboxConfig is the sandbox's configuration file (sandbox.yaml).
// Secrets come from the file or, better, from the environment variables
// it names; they are never logged.
type sandboxConfig struct {
	Listen     string                `yaml:"listen"`
	Store      string                `yaml:"store"`
	Rules      string                `yaml:"rules"`
	TestClient *sandboxClientConfig  `yaml:"test_client"`
	Clients    []sandboxClientConfig `yaml:"clients"`
	AccessTTL  time.Duration         `yaml:"access_token_ttl"`
	RefreshTTL time.Duration         `yaml:"refresh_token_ttl"`
	MaxBody    int64                 `yaml:"max_body"`
}

type sandboxClientConfig struct {
	ClientID        string   `yaml:"client_id"`
	ClientSecret    string   `yaml:"client_secret"`
	ClientSecretEnv string   `yaml:"client_secret_env"`
	Models          []string `yaml:"models"` // onboarded beyond the rules file's
}

// secretsEnv holds client secrets for a sandbox run without a config
// file: CLIENT_ID=SECRET pairs separated by commas or newlines.
const secretsEnv = "SERIALGATE_SANDBOX_CLIENT_SECRETS"

func loadSandboxConfig(file string) (*sandboxConfig, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read sandbox config: %w", err)
	}
	var c sandboxConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("read sandbox config %s: %w", file, err)
	}
	return &c, nil
}

func (c sandboxClientConfig) secret() (string, error) {
	if c.ClientSecretEnv != "" {
		s := os.Getenv(c.ClientSecretEnv)
		if s == "" {
			return "", fmt.Errorf("client %s: $%s is empty", c.ClientID, c.ClientSecretEnv)
		}
		return s, nil
	}
	return c.ClientSecret, nil
}

func runSandbox(e *env, args []string) int {
	fl := newFlags(e, "sandbox", "",
		"Serves a local stand-in for Login with Amazon's token endpoint, POST /auth/o2/token,\n"+
			"for the DRS pre-registration token exchange (grant_type device_preregistration)\n"+
			"and refresh (grant_type refresh_token), and GET /auth/o2/tokeninfo to check an access token.\n"+
			"Devices are pre-registered when a station recorded them in --store; models are onboarded\n"+
			"with their manufacturer's lwa_client_id in --rules; client secrets come from --config\n"+
			"(client_secret or client_secret_env) or $"+secretsEnv+" (ID=SECRET,...).\n"+
			"The allow-listed test device DRS_Test_Device / TestAmazonPreReg001 always works with the\n"+
			"test credentials (default foodev / Y76SDl2F).")
	configFile := fl.String("config", "", "sandbox configuration file (YAML)")
	listen := fl.String("listen", "", "address to serve on (default 127.0.0.1:8640)")
	store := fl.String("store", "", "the record whose passed serials are pre-registered: sqlite:PATH or postgres://… (default: none)")
	rulesFile := fl.String("rules", "", "rules file whose manufacturers' lwa_client_id onboard their models (default: the sample rules)")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	c := &sandboxConfig{}
	if *configFile != "" {
		var err error
		if c, err = loadSandboxConfig(*configFile); err != nil {
			fmt.Fprintln(e.stderr, "serialgate sandbox:", err)
			return exitUsage
		}
	}
	if *listen != "" {
		c.Listen = *listen
	}
	if *store != "" {
		c.Store = *store
	}
	if *rulesFile != "" {
		c.Rules = *rulesFile
	}
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8640"
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	srv, closeFn, err := buildSandbox(e.ctx, c, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate sandbox:", err)
		return exitUsage
	}
	defer closeFn()
	if err := serveHTTP(e.ctx, c.Listen, srv, log, "sandbox token endpoint", sandbox.TokenPath, "", ""); err != nil {
		fmt.Fprintln(e.stderr, "serialgate sandbox:", err)
		return exitUsage
	}
	return exitOK
}

// buildSandbox makes the token endpoint a configuration describes.
func buildSandbox(ctx context.Context, c *sandboxConfig, log *slog.Logger) (*sandbox.Server, func() error, error) {
	rs, _, err := loadRules(c.Rules)
	if err != nil {
		return nil, nil, err
	}
	secrets := map[string]string{}
	for _, pair := range strings.FieldsFunc(os.Getenv(secretsEnv), func(r rune) bool { return r == ',' || r == '\n' }) {
		id, secret, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || id == "" || secret == "" {
			return nil, nil, fmt.Errorf("$%s: want CLIENT_ID=SECRET pairs separated by commas", secretsEnv)
		}
		secrets[id] = secret
	}
	extra := map[string][]string{}
	for _, cc := range c.Clients {
		if cc.ClientID == "" {
			return nil, nil, errors.New("sandbox config: a client has no client_id")
		}
		s, err := cc.secret()
		if err != nil {
			return nil, nil, fmt.Errorf("sandbox config: %w", err)
		}
		if s != "" {
			secrets[cc.ClientID] = s
		}
		extra[cc.ClientID] = append(extra[cc.ClientID], cc.Models...)
	}
	srv := &sandbox.Server{AccessTTL: c.AccessTTL, RefreshTTL: c.RefreshTTL, MaxBody: c.MaxBody, Log: log}
	byID := map[string]int{}
	add := func(id string, models ...string) {
		i, ok := byID[id]
		if !ok {
			i = len(srv.Clients)
			byID[id] = i
			srv.Clients = append(srv.Clients, sandbox.Client{ID: id, Secret: secrets[id]})
		}
		srv.Clients[i].Models = append(srv.Clients[i].Models, models...)
	}
	for _, mf := range rs.Manufacturers {
		if mf.LWAClientID == "" {
			continue // not onboarded to DRS
		}
		for _, m := range mf.Models {
			add(mf.LWAClientID, m.Model)
		}
	}
	for _, cc := range c.Clients {
		add(cc.ClientID, extra[cc.ClientID]...)
	}
	if tc := c.TestClient; tc != nil {
		s, err := tc.secret()
		if err != nil {
			return nil, nil, fmt.Errorf("sandbox config: test_client: %w", err)
		}
		srv.TestClient = sandbox.Client{ID: tc.ClientID, Secret: s, Models: tc.Models}
	}
	for _, cl := range srv.Clients {
		if cl.Secret == "" {
			log.Warn("client has no secret: its models are onboarded but it cannot authenticate", "client_id", cl.ID)
		}
	}
	closeFn := func() error { return nil }
	if c.Store != "" {
		st, err := record.Open(ctx, c.Store)
		if err != nil {
			return nil, nil, err
		}
		closeFn = st.Close
		srv.Registry = sandbox.RegistryFunc(func(ctx context.Context, model, serial string) (bool, error) {
			p, err := st.Seen(ctx, model, serial)
			return p != nil, err
		})
	}
	if err := srv.Check(); err != nil {
		closeFn()
		return nil, nil, err
	}
	return srv, closeFn, nil
}

// serveHTTP serves h on addr until ctx ends, over TLS when cert and key
// are given.
func serveHTTP(ctx context.Context, addr string, h http.Handler, log *slog.Logger, what, path, cert, key string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	scheme := "http"
	if cert != "" {
		scheme = "https"
	}
	log.Info(what, "url", scheme+"://"+ln.Addr().String()+path)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- srv.ServeTLS(ln, cert, key)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		return nil
	}
}
