// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tracepoints of block/ (block/nvmp_trace.h) in user space: each event
 * is counted and its fields kept, so a test can compare them with what the
 * request did and what the statistics say.
 */
#include "simtrace.h"

struct sim_trace sim_trace;

void sim_trace_reset(void)
{
	memset(&sim_trace, 0, sizeof(sim_trace));
}

void trace_nvmp_dma_map(const struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			blk_status_t status, u64 ns)
{
	struct sim_trace_event *e = &sim_trace.map;

	sim_trace.maps++;
	if (status != BLK_STS_OK)
		sim_trace.map_errors++;
	e->dev = dev_name(dd->dev);
	e->sel = nvmp_dma_path_name(map->sel);
	e->path = nvmp_dma_path_name(map->path);
	e->segs_in = map->nvecs;
	e->segs_out = map->nsegs;
	e->bytes = map->mapped;
	e->batched = nvmp_map_batched(map);
	e->status = status;
	e->ns = ns;
}

void trace_nvmp_dma_unmap(const struct nvmp_dma_dev *dd,
			  struct nvmp_dma_map *map, u64 ns)
{
	struct sim_trace_event *e = &sim_trace.unmap;

	sim_trace.unmaps++;
	e->dev = dev_name(dd->dev);
	e->sel = nvmp_dma_path_name(map->sel);
	e->path = nvmp_dma_path_name(map->path);
	e->segs_out = map->nsegs;
	e->bytes = map->mapped;
	e->batched = nvmp_map_batched(map);
	e->ns = ns;
}
