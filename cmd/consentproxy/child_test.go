package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	consentproxy "github.com/consentproxy/consentproxy"
	"github.com/consentproxy/consentproxy/store"
	"github.com/consentproxy/consentproxy/store/chdb"
)

// queryChildEnv makes the test binary a query child: it opens an embedded
// store and answers queries. chDB runs one directory per process, and this
// test process already runs one; the child reads a directory that a
// consentproxy subprocess wrote.
const queryChildEnv = "CONSENTPROXY_CMDTEST_QUERY_CHILD"

type childRequest struct {
	DSN      string   `json:"dsn"`
	Database string   `json:"database"`
	Queries  []string `json:"queries"`
}

type childReply struct {
	Results []consentproxy.Result `json:"results"`
	Error   string                `json:"error"`
}

func runQueryChild(in io.Reader, out io.Writer) int {
	var req childRequest
	reply := childReply{}
	defer func() { json.NewEncoder(out).Encode(reply) }()
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		reply.Error = err.Error()
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := chdb.Open(ctx, req.DSN, store.Options{Database: req.Database})
	if err != nil {
		reply.Error = err.Error()
		return 1
	}
	defer s.Close()
	for _, q := range req.Queries {
		res, err := s.Query(ctx, q)
		if err != nil {
			reply.Error = fmt.Sprintf("%s: %v", q, err)
			return 1
		}
		reply.Results = append(reply.Results, res)
	}
	return 0
}

// childQuerier runs queries in a child process on the chdb store at dsn.
func childQuerier(dsn, database string) querier {
	return func(t testing.TB, sqls []string) []consentproxy.Result {
		t.Helper()
		req, _ := json.Marshal(childRequest{DSN: dsn, Database: database, Queries: sqls})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), queryChildEnv+"=1")
		cmd.Stdin = bytes.NewReader(req)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		var reply childReply
		if err := json.Unmarshal(stdout.Bytes(), &reply); err != nil || reply.Error != "" || runErr != nil {
			t.Fatalf("query child: %v %v %s\nstderr: %s", runErr, err, reply.Error, stderr.String())
		}
		if len(reply.Results) != len(sqls) {
			t.Fatalf("query child answered %d of %d queries", len(reply.Results), len(sqls))
		}
		return reply.Results
	}
}
