// Package chdb is the embedded ClickHouse store: ClickHouse 26.x running
// inside the consentproxy process through libchdb, so a single binary plus
// one directory is a complete installation.
//
// The library (566 MB) is not linked: it is dlopened on the first Open from
// $CONSENTPROXY_CHDB_LIB or the cache that scripts/fetch-chdb.sh fills
// (.cache/chdb/libchdb.so above the working directory or the executable).
// A binary that never opens a chdb:// DSN never needs it; one that does and
// lacks it gets ErrLibraryMissing naming the setup command.
//
// Process model, dictated by chDB: one engine per process, on one
// directory. Stores on that directory share it (each with its own two
// connections); a Store on another directory is refused while one is open.
// The engine stays up after the last Store closes, because chDB's own
// documentation warns that repeated shutdown and boot corrupts the allocator
// on some platforms; it costs about 200 MB of resident memory until exit.
// A second process on the same directory is refused by chDB's lock file.
//
// Reads run on a connection opened with readonly=2 (settings may change,
// data and schema may not), so Query cannot write whatever SQL it is given.
// Writes are "INSERT … FORMAT TabSeparated" with inline rows; results are
// read as TabSeparatedWithNamesAndTypes and rendered by store.RenderValue's
// rules, so both adapters return identical text. Sessions are pinned to
// UTC (session_timezone) whatever TZ the process has.
//
// chDB installs handlers for SIGSEGV, SIGBUS, SIGFPE and SIGILL when it
// connects, after which a Go nil dereference hangs the process instead of
// panicking. The binding turns that off before the first connect and, as a
// second line of defence, puts back any Go signal handler a chDB call
// changed.
package chdb
