package receiver

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultAllowList is where Amazon SNS serves its signing certificates and
// confirmation URLs: sns.<region>.amazonaws.com (and .com.cn), over HTTPS.
const DefaultAllowList = "https://sns.*.amazonaws.com,https://sns.*.amazonaws.com.cn"

// AllowList is the set of URL origins the receiver fetches signing
// certificates from and visits SubscribeURLs at.
type AllowList []origin

// origin is scheme://host[:port] where a host label "*" stands for any one
// label of letters, digits and hyphens (never a dot: sns.*.amazonaws.com
// must not match sns.bucket.s3.amazonaws.com, a name anyone can own), and
// port "*" for any port. Without a port, only the scheme's default matches.
type origin struct {
	scheme string
	labels []string
	port   string
}

// ParseAllowList reads a comma-separated list of origins, such as
// DefaultAllowList or "http://127.0.0.1:4100" for goaws.
func ParseAllowList(s string) (AllowList, error) {
	var l AllowList
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		scheme, rest, ok := strings.Cut(p, "://")
		if !ok || (scheme != "https" && scheme != "http") {
			return nil, fmt.Errorf("signing host pattern %q: want https://HOST or http://HOST[:PORT]", p)
		}
		if strings.ContainsAny(rest, "/?#@") {
			return nil, fmt.Errorf("signing host pattern %q: only a scheme, host and port", p)
		}
		host, port := rest, ""
		if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.HasSuffix(rest, "]") {
			host, port = rest[:i], rest[i+1:]
			if port == "" {
				return nil, fmt.Errorf("signing host pattern %q: empty port", p)
			}
		}
		labels := strings.Split(strings.ToLower(host), ".")
		for _, lb := range labels {
			if lb == "" {
				return nil, fmt.Errorf("signing host pattern %q: empty host label", p)
			}
			if strings.Contains(lb, "*") && lb != "*" {
				return nil, fmt.Errorf("signing host pattern %q: * stands for a whole label", p)
			}
		}
		if labels[len(labels)-1] == "*" || (len(labels) > 1 && labels[len(labels)-2] == "*") {
			return nil, fmt.Errorf("signing host pattern %q: * is allowed only below a fixed domain", p)
		}
		l = append(l, origin{scheme: scheme, labels: labels, port: port})
	}
	if len(l) == 0 {
		return nil, fmt.Errorf("signing host pattern %q: no origin", s)
	}
	return l, nil
}

// Allows reports whether u is an absolute URL on one of the origins,
// without user information.
func (l AllowList) Allows(u *url.URL) bool {
	if u == nil || u.User != nil || u.Opaque != "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	labels := strings.Split(host, ".")
	for _, o := range l {
		if u.Scheme != o.scheme || len(labels) != len(o.labels) {
			continue
		}
		switch {
		case o.port == "*":
		case o.port == "" && (port == "" || (o.scheme == "https" && port == "443") || (o.scheme == "http" && port == "80")):
		case o.port == port:
		default:
			continue
		}
		ok := true
		for i, lb := range o.labels {
			if lb == "*" {
				if !isLabel(labels[i]) {
					ok = false
				}
			} else if lb != labels[i] {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func isLabel(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// String is the list as ParseAllowList reads it.
func (l AllowList) String() string {
	var parts []string
	for _, o := range l {
		s := o.scheme + "://" + strings.Join(o.labels, ".")
		if o.port != "" {
			s += ":" + o.port
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ",")
}

// parseAbs parses an absolute http or https URL.
func parseAbs(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http or https URL", raw)
	}
	return u, nil
}
