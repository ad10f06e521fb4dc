package corpora

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	consentproxy "github.com/consentproxy/consentproxy"
)

// DeviceDetector reads the test fixtures of matomo-org/device-detector
// (LGPL-3.0; the Tests/fixtures directory of a checkout) into cases: its
// bots.yml as bots, every other file's UAs with the device type mapped to
// ours (Device "" where we have no such class: cameras, cars, speakers,
// wearables, …). It is not fetched by scripts/fetch-corpora.sh: it is on
// GitHub only, not on the package registries a build may reach, so
// cmd/corpusreport reads it from a directory named by the user.
func DeviceDetector(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no device-detector fixtures (*.yml) in %s", dir)
	}
	sort.Strings(files)
	var out []Case
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("device-detector: %w", err)
		}
		var entries []struct {
			UA     string `yaml:"user_agent"`
			Device struct {
				Type string `yaml:"type"`
			} `yaml:"device"`
		}
		if err := yaml.Unmarshal(b, &entries); err != nil {
			return nil, fmt.Errorf("device-detector %s: %w", filepath.Base(f), err)
		}
		group := strings.TrimSuffix(filepath.Base(f), ".yml")
		if i := strings.IndexByte(group, '-'); i > 0 {
			group = group[:i] // smartphone-12 → smartphone
		}
		for _, e := range entries {
			if e.UA == "" || malformed(e.UA) {
				continue
			}
			c := Case{UA: e.UA, Group: group}
			if group == "bots" {
				c.Bot = true
			} else {
				c.Device = ddDevice[e.Device.Type]
				c.Group = e.Device.Type
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// ddDevice maps device-detector's device types to our classes. Phablets and
// feature phones are phones; types we have no class for are left out.
var ddDevice = map[string]string{
	"smartphone": consentproxy.DeviceMobile, "phablet": consentproxy.DeviceMobile,
	"feature phone": consentproxy.DeviceMobile, "tablet": consentproxy.DeviceTablet,
	"desktop": consentproxy.DeviceDesktop, "tv": consentproxy.DeviceTV, "console": consentproxy.DeviceConsole,
}

// BrowserLike reports whether ua looks like a web browser's (Mozilla/5.0
// with a WebKit or Gecko engine): the UAs that can run gtag.js on a page.
// device-detector's fixtures also hold apps, podcast clients and libraries,
// which are no visitors of a web page either way.
func BrowserLike(ua string) bool {
	return strings.HasPrefix(ua, "Mozilla/5.0 (") && (strings.Contains(ua, "AppleWebKit") || strings.Contains(ua, "Gecko/"))
}
