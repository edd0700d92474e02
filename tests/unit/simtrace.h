/* SPDX-License-Identifier: GPL-2.0-only */
/* What block/'s tracepoints reported (simtrace.c). */
#ifndef NVMP_UNIT_SIMTRACE_H
#define NVMP_UNIT_SIMTRACE_H

#include "nvmp_trace.h"

/* The fields of the last event of one kind. */
struct sim_trace_event {
	const char *dev;
	const char *sel;
	const char *path;
	unsigned int segs_in;
	unsigned int segs_out;
	unsigned int bytes;
	bool batched;
	blk_status_t status;
	u64 ns;
};

struct sim_trace {
	unsigned int maps;		/* nvmp_dma_map events */
	unsigned int map_errors;	/* ... with a failure status */
	unsigned int unmaps;		/* nvmp_dma_unmap events */
	struct sim_trace_event map;
	struct sim_trace_event unmap;
};

extern struct sim_trace sim_trace;
void sim_trace_reset(void);

#endif /* NVMP_UNIT_SIMTRACE_H */
