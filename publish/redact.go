package publish

import (
	"regexp"
	"sync"
	"unicode/utf8"
)

// maxErrText bounds the error text written to the outbox.
const maxErrText = 1024

// The secrets an error's text may carry, and what replaces them. A sink's
// error quotes URLs, and a server's answer may echo a request; neither may
// carry a credential into the outbox or the log.
// They are compiled on first use, not at every process start.
var redactions = sync.OnceValue(func() []redaction {
	return []redaction{
		// The userinfo of a URL, password or not: greedy up to the last '@'
		// before the host, since a password may hold an unescaped '@'.
		{regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s]*@`), "${1}"},
		// Query or form parameters named like secrets.
		{regexp.MustCompile(`(?i)((?:^|[?&;,\s"'])[A-Za-z0-9_.\-]*(?:token|secret|passw|pwd|signature|credential|api[_-]?key|auth|sig|key)[A-Za-z0-9_.\-]*=)[^&\s"',;]*`), "${1}REDACTED"},
		// Secret headers, keeping an authorization's scheme, then the
		// authorization schemes wherever they are.
		{regexp.MustCompile(`(?i)\b((?:proxy-)?authorization|x-api-key|x-amz-security-token|cookie|set-cookie)(["']?\s*[:=]\s*["']?)((?:bearer|basic|digest|aws4-hmac-sha256)\s+)?[^\s"',;]+`), "${1}${2}${3}REDACTED"},
		{regexp.MustCompile(`(?i)\b(bearer|basic|digest|aws4-hmac-sha256)\s+[^\s"',;]+`), "${1} REDACTED"},
		// AWS access key IDs.
		{regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`), "REDACTED"},
	}
})

type redaction struct {
	re   *regexp.Regexp
	repl string
}

// redact removes credentials from an error's text and bounds its length.
func redact(s string) string {
	// Only the first maxErrText bytes are kept; the rest need not be
	// searched, beyond what removed userinfo could have pulled forward.
	s = truncate(s, 64*maxErrText)
	for _, r := range redactions() {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return truncate(s, maxErrText)
}

// truncate cuts s to at most n bytes, at a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "…"
	i := n - len(mark)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + mark
}
