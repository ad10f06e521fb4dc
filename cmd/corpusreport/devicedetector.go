package main

import (
	"fmt"
	"io"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/uaparse"
	"github.com/consentproxy/consentproxy/uaparse/corpora"
)

// reportDeviceDetector prints bot recall on device-detector's bots.yml,
// real browsers flagged as bots, and device agreement per class (TVs and
// consoles above all) on its other fixtures.
func reportDeviceDetector(w io.Writer, dir string) error {
	cases, err := corpora.DeviceDetector(dir)
	if err != nil {
		return err
	}
	var uncached *uaparse.Parser
	parse := corpora.Parse(uncached.Parse)
	var bots, browsers, devices []corpora.Case
	for _, c := range cases {
		switch {
		case c.Bot:
			bots = append(bots, c)
		case c.Device != "":
			devices = append(devices, c)
			if corpora.BrowserLike(c.UA) {
				browsers = append(browsers, c)
			}
		}
	}
	fmt.Fprintf(w, "\ndevice-detector fixtures (%s): %d UAs\n", dir, len(cases))
	r, missed := corpora.Recall(bots, parse)
	fmt.Fprintf(w, "  bots.yml bot recall %s\n", uaPct(r))
	for i, ua := range missed {
		if i == 5 {
			break
		}
		fmt.Fprintf(w, "    missed %q\n", ua)
	}
	printClasses(w, bots, parse)
	fmt.Fprintf(w, "  browser-like UAs (Mozilla/5.0, WebKit or Gecko) of the device fixtures: %d\n", len(browsers))
	printFlags(w, browsers, parse)
	printAgree(w, "device class, all device fixtures", devices, parse, func(a consentproxy.Agent) string {
		if a.Bot {
			return "bot"
		}
		return a.Device
	}, corpora.WantDevice)
	printAgree(w, "device class, browser-like UAs (what can run gtag.js)", browsers, parse, func(a consentproxy.Agent) string {
		if a.Bot {
			return "bot"
		}
		return a.Device
	}, corpora.WantDevice)
	for _, class := range []string{consentproxy.DeviceTV, consentproxy.DeviceConsole, consentproxy.DeviceTablet, consentproxy.DeviceMobile, consentproxy.DeviceDesktop} {
		got := map[string]int{}
		n := 0
		for _, c := range devices {
			if c.Device != class {
				continue
			}
			n++
			a := parse(c.UA)
			switch {
			case a.Bot:
				got["bot"]++
			case a.Device == "":
				got["unknown"]++
			default:
				got[a.Device]++
			}
		}
		fmt.Fprintf(w, "  %-8s %5d: as %s %.1f%%", class, n, class, pct(got[class], n))
		for _, other := range []string{consentproxy.DeviceTV, consentproxy.DeviceConsole, consentproxy.DeviceTablet, consentproxy.DeviceMobile, consentproxy.DeviceDesktop, "unknown", "bot"} {
			if other != class && got[other] > 0 {
				fmt.Fprintf(w, ", %s %d", other, got[other])
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}
