package clickhouse

import (
	"context"
	"errors"
	"fmt"
	"net"

	ch "github.com/ClickHouse/clickhouse-go/v2"

	"github.com/consentproxy/consentproxy/store"
)

var _ store.Sharded = engine{}

// EachShard calls f with an engine on one live replica of each shard of
// cluster, as the server's system.clusters lists them, tried in replica
// order; the DSN's credentials are used for every node. An ALTER through
// it waits for every replica of the shard (replication_alter_partitions_sync
// = 2), so that what follows reads the same schema and parts on each.
func (e engine) EachShard(ctx context.Context, cluster string, f func(store.Engine) error) error {
	if e.cfg == nil {
		return errors.New("each shard: no connection settings")
	}
	res, err := e.Query(ctx, "SELECT toString(shard_num), host_name, toString(port) FROM system.clusters "+
		"WHERE cluster = ? ORDER BY shard_num, replica_num", cluster)
	if err != nil {
		return fmt.Errorf("each shard of %s: %w", cluster, err)
	}
	if len(res.Rows) == 0 {
		return fmt.Errorf("each shard: the server knows no cluster %s", cluster)
	}
	var shards [][]string // shard -> replica addresses
	last := ""
	for _, r := range res.Rows {
		if r[0] != last {
			shards = append(shards, nil)
			last = r[0]
		}
		shards[len(shards)-1] = append(shards[len(shards)-1], net.JoinHostPort(r[1], r[2]))
	}
	ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{"replication_alter_partitions_sync": 2}))
	for i, replicas := range shards {
		if err := e.onReplica(ctx, replicas, f); err != nil {
			return fmt.Errorf("each shard: shard %d of %s: %w", i+1, cluster, err)
		}
	}
	return nil
}

// onReplica runs f on the first of replicas that answers a ping.
func (e engine) onReplica(ctx context.Context, replicas []string, f func(store.Engine) error) error {
	var errs []error
	for _, addr := range replicas {
		drv := *e.cfg.Driver
		drv.Addr = []string{addr}
		drv.Auth.Database = ""
		drv.MaxOpenConns, drv.MaxIdleConns = 1, 1
		conn, err := ch.Open(&drv)
		if err == nil {
			err = conn.Ping(ctx)
		}
		if err != nil {
			if conn != nil {
				conn.Close()
			}
			errs = append(errs, fmt.Errorf("%s: %w", addr, err))
			continue
		}
		err = f(engine{conn: conn, cfg: e.cfg})
		conn.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", addr, err)
		}
		return nil
	}
	return fmt.Errorf("no replica answers: %w", errors.Join(errs...))
}
