package sigv4

import (
	"fmt"
	"net/url"
	"strings"
)

// Region is the AWS region: AWS_REGION, else AWS_DEFAULT_REGION, else the
// profile's region in the shared files. A caller with a region of its own
// uses that instead.
func (p *Provider) Region() (string, error) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if r := p.getenv(k); r != "" {
			return checkRegion(r, k)
		}
	}
	prof, err := p.loadProfile()
	if err != nil {
		return "", err
	}
	if r := prof.props["region"]; r != "" {
		return checkRegion(r, prof.where())
	}
	return "", fmt.Errorf("no AWS region: set one on the sink, in AWS_REGION, or as region in %s", prof.where())
}

// checkRegion refuses a region that could not be a host name's label: it
// goes into the endpoint's host and the credential scope.
func checkRegion(r, from string) (string, error) {
	for i := 0; i < len(r); i++ {
		c := r[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return "", fmt.Errorf("AWS region %q from %s: want lower-case letters, digits and '-'", r, from)
		}
	}
	return r, nil
}

// Endpoint is the URL of an AWS service (its endpoint ID, "sns") in a
// region: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else
// https://SERVICE.REGION.amazonaws.com (.com.cn in China). The variables
// are ignored when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. A caller with
// an endpoint of its own uses that instead.
func (p *Provider) Endpoint(service, region string) (string, error) {
	if !strings.EqualFold(p.getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		key := "AWS_ENDPOINT_URL_" + strings.ToUpper(strings.NewReplacer(" ", "_", "-", "_").Replace(service))
		for _, k := range []string{key, "AWS_ENDPOINT_URL"} {
			if e := p.getenv(k); e != "" {
				if u, err := url.Parse(e); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
					return "", fmt.Errorf("%s %q: want an http or https URL", k, e)
				}
				return e, nil
			}
		}
	}
	if _, err := checkRegion(region, "the caller"); err != nil || region == "" {
		return "", fmt.Errorf("endpoint of %s: region %q is not a region", service, region)
	}
	domain := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		domain = "amazonaws.com.cn"
	}
	return "https://" + service + "." + region + "." + domain, nil
}
