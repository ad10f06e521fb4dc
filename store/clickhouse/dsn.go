package clickhouse

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// DefaultDialTimeout bounds connecting when the DSN sets no dial_timeout.
const DefaultDialTimeout = 5 * time.Second

// Config is a parsed DSN: the driver options plus the database named in its
// path ("" when the DSN names none).
type Config struct {
	Driver   *ch.Options
	Database string
}

// ParseDSN parses clickhouse://user:pass@host:9000[,host2:9000]/db?opts. The
// options are clickhouse-go's: secure, skip_verify, tls_server_name,
// dial_timeout, read_timeout, max_open_conns, max_idle_conns,
// conn_max_lifetime, compress, …; any other key is sent to the server as a
// query setting. Defaults: dial_timeout 5s (clickhouse-go's 30s would hide a
// dead server behind a long start-up), max_idle_conns 5, max_open_conns 10
// (clickhouse-go's), no TLS. Only the native protocol is accepted: ClickHouse 18.16
// rejects clickhouse-go's HTTP client at connect time. Errors never contain
// the password.
func ParseDSN(dsn string) (Config, error) {
	scheme, _, ok := strings.Cut(dsn, "://")
	if !ok {
		return Config{}, fmt.Errorf("dsn: want clickhouse://user:password@host:9000/database")
	}
	switch strings.ToLower(scheme) {
	case "clickhouse", "tcp":
	case "http", "https":
		return Config{}, fmt.Errorf("dsn: scheme %s: only the native protocol (clickhouse://host:9000) is supported", scheme)
	default:
		if !validScheme(scheme) {
			// Not echoed: what precedes "://" may be a password
			// (":secret@://" is a typo away from a real DSN).
			return Config{}, fmt.Errorf("dsn: malformed scheme, want clickhouse://")
		}
		return Config{}, fmt.Errorf("dsn: unknown scheme %q, want clickhouse://", scheme)
	}
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return Config{}, fmt.Errorf("dsn: %w", err)
	}
	if opts.Protocol != ch.Native {
		return Config{}, fmt.Errorf("dsn: only the native protocol is supported")
	}
	for _, a := range opts.Addr {
		if a == "" || strings.HasPrefix(a, ":") {
			return Config{}, fmt.Errorf("dsn: empty host in %q", redact(dsn))
		}
	}
	if opts.MaxIdleConns > 0 && opts.MaxOpenConns > 0 && opts.MaxIdleConns > opts.MaxOpenConns {
		return Config{}, fmt.Errorf("dsn: max_idle_conns %d > max_open_conns %d", opts.MaxIdleConns, opts.MaxOpenConns)
	}
	if opts.MaxOpenConns < 0 || opts.MaxIdleConns < 0 || opts.DialTimeout < 0 || opts.ReadTimeout < 0 {
		return Config{}, fmt.Errorf("dsn: negative pool size or timeout")
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	db := opts.Auth.Database
	opts.Auth.Database = ""
	return Config{Driver: opts, Database: db}, nil
}

// redact hides the user info of a DSN for error messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if i := strings.LastIndex(dsn, "@"); i >= 0 {
			if j := strings.Index(dsn, "://"); j >= 0 && j < i {
				return dsn[:j+3] + "xxxxx" + dsn[i:]
			}
		}
		return dsn
	}
	u.User = url.User("xxxxx")
	return u.String()
}

// validScheme reports whether s is a URI scheme (RFC 3986: a letter, then
// letters, digits, '+', '-' or '.'), which can be quoted in an error.
func validScheme(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}
