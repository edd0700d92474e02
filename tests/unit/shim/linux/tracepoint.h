/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints in user space: each TRACE_EVENT() only declares its
 * trace_<event>() function, which the harness defines (simtrace.c) to check
 * that the events match what happened.  Fields, assignments and format are
 * dropped.
 */
#ifndef SHIM_LINUX_TRACEPOINT_H
#define SHIM_LINUX_TRACEPOINT_H

#include <linux/types.h>

#define TP_PROTO(args...)	args

#define TRACE_EVENT(name, proto, ...)	void trace_##name(proto)
/* Registration callbacks too: the harness calls them itself. */
#define TRACE_EVENT_FN(name, proto, ...)	void trace_##name(proto)

#endif /* SHIM_LINUX_TRACEPOINT_H */
