package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// runHealthcheck is `consentproxy healthcheck`: a GET of /healthz that
// exits 0 on 200 and 1 otherwise, for container HEALTHCHECKs in images
// without curl or wget (distroless). By default it asks the port of
// --listen (CONSENTPROXY_LISTEN, else :8080) on loopback.
func runHealthcheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("consentproxy healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("url", "", "URL to ask; default http://127.0.0.1:<port of CONSENTPROXY_LISTEN or :8080>/healthz")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch {
	case fs.NArg() == 1 && *target == "":
		*target = fs.Arg(0) // consentproxy healthcheck http://…/healthz
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "consentproxy healthcheck: unexpected argument %q (the URL is one argument, or --url)\n", fs.Arg(fs.NArg()-1))
		return 2
	}
	if *target == "" {
		listen, ok := os.LookupEnv(EnvName("listen"))
		if !ok || listen == "" {
			listen = defaultOf("listen")
		}
		_, port, err := net.SplitHostPort(listen)
		if err != nil {
			fmt.Fprintf(stderr, "consentproxy healthcheck: %s=%q: %v\n", EnvName("listen"), listen, err)
			return 1
		}
		*target = "http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"
	}
	c := &http.Client{Timeout: *timeout}
	resp, err := c.Get(*target)
	if err != nil {
		fmt.Fprintln(stderr, "consentproxy healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "consentproxy healthcheck: %s answered %s\n", *target, resp.Status)
		return 1
	}
	fmt.Fprintln(stdout, "ok")
	return 0
}
