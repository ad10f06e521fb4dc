package clickhouse

import (
	"strings"
	"testing"
	"time"
)

func TestParseDSN(t *testing.T) {
	c, err := ParseDSN("clickhouse://alice:p%40ss@ch1:9440,ch2:9440/analytics?secure=true&skip_verify=true&dial_timeout=3s&max_open_conns=8&max_idle_conns=4&read_timeout=1m")
	if err != nil {
		t.Fatal(err)
	}
	d := c.Driver
	if c.Database != "analytics" || d.Auth.Database != "" {
		t.Errorf("database %q / driver %q: the DSN's database must be created before the pool uses it", c.Database, d.Auth.Database)
	}
	if d.Auth.Username != "alice" || d.Auth.Password != "p@ss" {
		t.Errorf("auth %q %q", d.Auth.Username, d.Auth.Password)
	}
	if strings.Join(d.Addr, ",") != "ch1:9440,ch2:9440" {
		t.Errorf("addr %v", d.Addr)
	}
	if d.TLS == nil || !d.TLS.InsecureSkipVerify {
		t.Errorf("TLS %+v", d.TLS)
	}
	if d.DialTimeout != 3*time.Second || d.ReadTimeout != time.Minute || d.MaxOpenConns != 8 || d.MaxIdleConns != 4 {
		t.Errorf("pool/timeouts: %v %v %d %d", d.DialTimeout, d.ReadTimeout, d.MaxOpenConns, d.MaxIdleConns)
	}

	c, err = ParseDSN("clickhouse://127.0.0.1:9000")
	if err != nil || c.Database != "" || c.Driver.TLS != nil || c.Driver.DialTimeout != DefaultDialTimeout {
		t.Errorf("minimal DSN: %+v %v", c, err)
	}
}

func TestParseDSNErrors(t *testing.T) {
	for dsn, want := range map[string]string{
		"":                                "want clickhouse://",
		"127.0.0.1:9000":                  "want clickhouse://",
		"http://u:pw@h:8123":              "native protocol",
		"https://u:pw@h:8443?secure=true": "native protocol",
		"mysql://h:3306":                  "unknown scheme",
		"clickhouse://u:pw@h:9000?dial_timeout=soon":                 "dial timeout",
		"clickhouse://u:pw@h:9000?max_open_conns=2&max_idle_conns=5": "max_idle_conns",
		"clickhouse://u:pw@h:9000?max_open_conns=-1":                 "negative",
		"clickhouse://u:topsecret@:9000":                             "",
	} {
		_, err := ParseDSN(dsn)
		if err == nil {
			t.Errorf("ParseDSN(%q) accepted", dsn)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDSN(%q) = %v, want it to mention %q", dsn, err, want)
		}
		if strings.Contains(err.Error(), "topsecret") || strings.Contains(err.Error(), ":pw@") {
			t.Errorf("ParseDSN(%q) error leaks the password: %v", dsn, err)
		}
	}
}

// FuzzParseDSN: any input gives a config or an error, never a panic, and an
// error never repeats the password.
func FuzzParseDSN(f *testing.F) {
	f.Add("clickhouse://u:pw@h:9000/db?secure=true&dial_timeout=1s", "pw")
	f.Add("clickhouse://u:p%zz@h:9000", "p%zz")
	f.Add("tcp://h1:1,h2:2/x?max_open_conns=3", "")
	f.Add("clickhouse://u:s3cr3t@[::1:9000", "s3cr3t")
	f.Fuzz(func(t *testing.T, dsn, secret string) {
		c, err := ParseDSN(dsn)
		if err != nil {
			if len(secret) >= 6 && strings.Contains(dsn, ":"+secret+"@") && strings.Contains(err.Error(), secret) {
				t.Fatalf("error leaks password %q: %v", secret, err)
			}
			return
		}
		if c.Driver == nil || len(c.Driver.Addr) == 0 || c.Driver.Auth.Database != "" {
			t.Fatalf("accepted DSN %q gave config %+v", dsn, c)
		}
	})
}
