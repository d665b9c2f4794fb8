// Package engine carries out a Plan: it never decides what to change (the
// planner did), only how to get it done through the API as fast as the
// cloud allows and never faster than it tolerates.
//
// The shape, in one paragraph: ops form a DAG and each starts as soon as
// the ops it depends on have succeeded (not in waves); at most Parallelism
// run at once, and every call passes a rate limiter of its class (reads,
// writes, job polls) that halves its rate when the cloud throttles and
// creeps back after. Every mutating call is journaled before it is made and
// its job id and outcome after, so a run killed at any point is resumed by
// the next one, which first reconciles what the journal left open. A call
// whose outcome is unknown (a 5xx or a dropped connection after sending) is
// never simply repeated: the engine re-reads the servers it touched and
// decides from what it sees. A failed op blocks only the ops that depend
// on it; a batch that fails for some of its servers marks exactly those.
//
// The engine talks to the cloud through the narrow Cloud interface, so a
// test or a baseline executor can stand in; *ecs.Client implements it.
// Progress is a stream of Events for the CLI's views.
package engine
