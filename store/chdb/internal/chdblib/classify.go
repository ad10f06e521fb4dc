package chdblib

import (
	"errors"
	"runtime"
	"unsafe"
)

// QueryClass is chDB's verdict on what a statement does to lasting state
// (chdb_query_class in chdb.h).
type QueryClass uint32

// The classes, in ascending order of how much a statement may change.
const (
	ClassReadOnly       QueryClass = 0 // SELECT, SHOW, DESCRIBE, EXPLAIN, EXISTS, CHECK
	ClassMutating       QueryClass = 1 // INSERT, CREATE, ALTER, DROP, …
	ClassMutatingGlobal QueryClass = 2 // UDFs, users, named collections, system.*
	ClassControl        QueryClass = 3 // USE, SET, SYSTEM, INTO OUTFILE, INSERT INTO FUNCTION, …
	ClassUnknown        QueryClass = 4 // did not parse
)

// Analysis is what chdb_classify_query_n reports about a text.
type Analysis struct {
	Statements uint32
	Class      QueryClass
}

// chdb_query_analysis_v1
type cAnalysis struct {
	structSize, statementCount, flags, queryClass uint32
}

// ErrNoClassifier means the loaded chDB predates chdb_classify_query_n.
var ErrNoClassifier = errors.New("chdb_classify_query_n not available")

// Classify parses sql with the engine's own parser, without running it.
func (c *Conn) Classify(sql string) (Analysis, error) {
	if cClassify == nil {
		return Analysis{}, ErrNoClassifier
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return Analysis{}, ErrClosed
	}
	if sql == "" {
		return Analysis{Class: ClassUnknown}, nil
	}
	q := []byte(sql)
	out := cAnalysis{structSize: uint32(unsafe.Sizeof(cAnalysis{}))}
	st := cClassify(*(*unsafe.Pointer)(c.conn), unsafe.Pointer(&q[0]), uintptr(len(q)), nil, 0, unsafe.Pointer(&out))
	runtime.KeepAlive(q)
	if st != 0 {
		return Analysis{}, errors.New("chdb_classify_query_n failed")
	}
	return Analysis{Statements: out.statementCount, Class: QueryClass(out.queryClass)}, nil
}
