#!/usr/bin/env bash
# Private ClickHouse server instances for tests and local development.
#
#   scripts/clickhouse-server.sh start DIR                 one server; DSN in DIR/dsn, pid in DIR/pid
#   scripts/clickhouse-server.sh stop DIR                  stop what start/start-cluster started in DIR
#   scripts/clickhouse-server.sh start-cluster DIR NAME N  N servers forming cluster NAME (N shards,
#                                                          no ZooKeeper); DIR/cluster holds
#                                                          "NAME=clickhouse://…@host1:p1,host2:p2?…"
#                                                          (one DSN naming every node), DIR/dsn the
#                                                          first node's DSN
#
# Each instance gets its own copy of the packaged config (data, logs and ports under DIR, listening on
# 127.0.0.1 only, no HTTPS/secure/MySQL ports) and a password-protected user "consentproxy", so tests
# exercise authentication and never touch a system-wide server. Installs nothing: the packages come
# from `apt-get install -y clickhouse-server clickhouse-client`.
#
# Ports: free ones are picked at random; set CLICKHOUSE_TCP_PORT, CLICKHOUSE_HTTP_PORT and
# CLICKHOUSE_INTERSERVER_PORT to choose them (single instance only).
# Then: export CONSENTPROXY_TEST_CLICKHOUSE=$(cat DIR/dsn); go test ./store/...
# and for a cluster: export CONSENTPROXY_TEST_CLICKHOUSE_CLUSTER=$(cat DIR/cluster)
set -euo pipefail

SERVER_BIN=${CLICKHOUSE_SERVER_BIN:-$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)}
CLIENT_BIN=${CLICKHOUSE_CLIENT_BIN:-$(command -v clickhouse-client || echo /usr/bin/clickhouse-client)}
ETC=${CLICKHOUSE_ETC:-/etc/clickhouse-server}
WAIT_SECONDS=${CLICKHOUSE_WAIT_SECONDS:-60}

die() { echo "clickhouse-server.sh: $*" >&2; exit 1; }

need_binaries() {
	[[ -x $SERVER_BIN ]] || die "clickhouse-server not found (looked for $SERVER_BIN); install it: apt-get update && apt-get install -y clickhouse-server clickhouse-client"
	[[ -x $CLIENT_BIN ]] || die "clickhouse-client not found; install it: apt-get install -y clickhouse-client"
	[[ -r $ETC/config.xml && -r $ETC/users.xml ]] || die "$ETC/config.xml or users.xml missing; reinstall clickhouse-server"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

TAKEN=" "
# Ports come from below the kernel's ephemeral range: a port there may be the
# source port of some outgoing connection, which no connect test sees, and
# the server's bind would then fail with "Address already in use".
EPHEMERAL_LOW=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
free_port() {
	local p i lo=10000 hi=$((EPHEMERAL_LOW - 1))
	((hi > lo + 1000)) || { lo=20000; hi=32767; }
	for i in $(seq 1 200); do
		p=$((lo + RANDOM % (hi - lo)))
		[[ $TAKEN == *" $p "* ]] && continue
		if ! port_in_use "$p"; then TAKEN+="$p "; echo "$p"; return 0; fi
	done
	die "no free port found"
}

# write_config NODE_DIR TCP HTTP INTERSERVER PASSWORD
write_config() {
	local d=$1 tcp=$2 http=$3 inter=$4 pass=$5
	mkdir -p "$d/etc/config.d" "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas" "$d/log"
	# Edit a copy of the packaged config: every path under $d, our ports, loopback only. The
	# packaged remote_servers examples point at port 9000 and are dropped; ours go in config.d.
	sed -e "s#<path>/var/lib/clickhouse/</path>#<path>$d/data/</path>#" \
		-e "s#<tmp_path>[^<]*</tmp_path>#<tmp_path>$d/tmp/</tmp_path>#" \
		-e "s#<user_files_path>[^<]*</user_files_path>#<user_files_path>$d/user_files/</user_files_path>#" \
		-e "s#<format_schema_path>[^<]*</format_schema_path>#<format_schema_path>$d/format_schemas/</format_schema_path>#" \
		-e "s#<log>[^<]*</log>#<log>$d/log/clickhouse-server.log</log>#" \
		-e "s#<errorlog>[^<]*</errorlog>#<errorlog>$d/log/clickhouse-server.err.log</errorlog>#" \
		-e "s#<tcp_port>[0-9]*</tcp_port>#<tcp_port>$tcp</tcp_port>#" \
		-e "s#<http_port>[0-9]*</http_port>#<http_port>$http</http_port>#" \
		-e "s#<interserver_http_port>[0-9]*</interserver_http_port>#<interserver_http_port>$inter</interserver_http_port>#" \
		-e "/<remote_servers/,/<\/remote_servers>/d" \
		-e "s#<yandex>#<yandex>\n    <listen_host>127.0.0.1</listen_host>\n    <interserver_http_host>127.0.0.1</interserver_http_host>#" \
		"$ETC/config.xml" >"$d/etc/config.xml"
	# Refuse to run with anything that would listen beyond what we set.
	if perl -0pe 's/<!--.*?-->//gs' "$d/etc/config.xml" | grep -Eq '<(https_port|tcp_port_secure|mysql_port|postgresql_port)>'; then
		die "packaged config enables extra ports; edit $d/etc/config.xml"
	fi
	grep -q "<tcp_port>$tcp</tcp_port>" "$d/etc/config.xml" || die "could not set tcp_port in $d/etc/config.xml"
	grep -q "<path>$d/data/</path>" "$d/etc/config.xml" || die "could not set path in $d/etc/config.xml"
	# users.xml: the packaged one plus a password user the DSN names.
	sed -e "s#</users>#$(sed -e "s#@PASSWORD@#$pass#" "$SCRIPT_DIR/clickhouse/user.xml.in" | tr '\n' ' ')\n    </users>#" \
		"$ETC/users.xml" >"$d/etc/users.xml"
	grep -q "<consentproxy>" "$d/etc/users.xml" || die "could not add user to $d/etc/users.xml"
}

# launch NODE_DIR TCP: start the server in the background and wait until it answers.
launch() {
	local d=$1 tcp=$2 pid i
	setsid "$SERVER_BIN" --config-file="$d/etc/config.xml" >"$d/log/stdout.log" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$d/pid"
	for i in $(seq 1 $((WAIT_SECONDS * 4))); do
		if "$CLIENT_BIN" --host 127.0.0.1 --port "$tcp" -q 'SELECT 1' >/dev/null 2>&1; then
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$d/log/stdout.log" "$d/log/clickhouse-server.err.log" >&2 2>/dev/null || true
			die "clickhouse-server exited during start-up (logs in $d/log)"
		fi
		sleep 0.25
	done
	kill "$pid" 2>/dev/null || true
	die "clickhouse-server on port $tcp did not answer within ${WAIT_SECONDS}s (logs in $d/log)"
}

password() { head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20; }

start() {
	local d tcp http inter pass
	[[ $# -eq 1 ]] || die "usage: start DIR"
	need_binaries
	mkdir -p "$1"
	d=$(cd "$1" && pwd)
	[[ -s $d/pid ]] && kill -0 "$(cat "$d/pid")" 2>/dev/null && die "already running in $d (pid $(cat "$d/pid"))"
	tcp=${CLICKHOUSE_TCP_PORT:-$(free_port)}
	TAKEN+="$tcp "
	http=${CLICKHOUSE_HTTP_PORT:-$(free_port)}
	TAKEN+="$http "
	inter=${CLICKHOUSE_INTERSERVER_PORT:-$(free_port)}
	pass=$(password)
	write_config "$d" "$tcp" "$http" "$inter" "$pass"
	launch "$d" "$tcp"
	echo "clickhouse://consentproxy:$pass@127.0.0.1:$tcp?dial_timeout=5s" >"$d/dsn"
	echo "clickhouse-server $(cat "$d/pid") on 127.0.0.1:$tcp; DSN in $d/dsn"
}

start_cluster() {
	local d name n i tcp http inter pass nd hosts=() ports=()
	[[ $# -eq 3 ]] || die "usage: start-cluster DIR NAME N"
	name=$2 n=$3
	[[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "cluster name $name: letters, digits, _"
	[[ $n =~ ^[1-9]$ ]] || die "N must be 1..9"
	need_binaries
	mkdir -p "$1"
	d=$(cd "$1" && pwd)
	pass=$(password)
	for i in $(seq 1 "$n"); do ports+=("$(free_port)"); TAKEN+="${ports[-1]} "; done
	# One shard per node, no replicas: Distributed tables need no ZooKeeper.
	{
		echo "<yandex><remote_servers><$name>"
		for i in $(seq 1 "$n"); do
			echo "<shard><replica><host>127.0.0.1</host><port>${ports[$((i - 1))]}</port>"
			echo "<user>consentproxy</user><password>$pass</password></replica></shard>"
		done
		echo "</$name></remote_servers></yandex>"
	} >"$d/remote_servers.xml"
	for i in $(seq 1 "$n"); do
		nd=$d/node$i
		tcp=${ports[$((i - 1))]}
		http=$(free_port)
		TAKEN+="$http "
		inter=$(free_port)
		TAKEN+="$inter "
		write_config "$nd" "$tcp" "$http" "$inter" "$pass"
		cp "$d/remote_servers.xml" "$nd/etc/config.d/remote_servers.xml"
		printf '<yandex><macros><shard>%02d</shard><replica>node%d</replica></macros></yandex>\n' "$i" "$i" >"$nd/etc/config.d/macros.xml"
		launch "$nd" "$tcp"
		hosts+=("127.0.0.1:$tcp")
	done
	(IFS=,; echo "$name=clickhouse://consentproxy:$pass@${hosts[*]}?dial_timeout=5s") >"$d/cluster"
	echo "clickhouse://consentproxy:$pass@${hosts[0]}?dial_timeout=5s" >"$d/dsn"
	echo "cluster $name: $n nodes on ports ${ports[*]}; see $d/cluster"
}

stop_one() {
	local d=$1 pid i
	[[ -s $d/pid ]] || return 0
	pid=$(cat "$d/pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for i in $(seq 1 120); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.25
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "clickhouse-server $pid ignored SIGTERM for 30s; killing" >&2
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$d/pid"
}

stop() {
	local d n
	[[ $# -eq 1 ]] || die "usage: stop DIR"
	[[ -d $1 ]] || die "no such directory: $1"
	d=$(cd "$1" && pwd)
	stop_one "$d"
	for n in "$d"/node*; do [[ -d $n ]] && stop_one "$n"; done
	echo "stopped clickhouse-server(s) in $d"
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cmd=${1:-}
[[ $# -gt 0 ]] && shift
case $cmd in
start) start "$@" ;;
start-cluster) start_cluster "$@" ;;
stop) stop "$@" ;;
*) die "usage: $0 start DIR | stop DIR | start-cluster DIR NAME N" ;;
esac
