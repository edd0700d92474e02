/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the DMA iterator, one event when a request's mapping ends
 * (mapped in full, or failed) and one when it is unmapped:
 *
 *   /sys/kernel/tracing/events/nvme_phys/nvmp_dma_map
 *   /sys/kernel/tracing/events/nvme_phys/nvmp_dma_unmap
 *
 * Both fire where the statistics are taken (dma-stats.c), so the trace and
 * the debugfs counters tell the same story.  "sel" is the path selected when
 * the request started (auto, for instance), "path" the one it really took
 * (phys or iova for auto, phys after an iova fallback).  Disabled, each
 * costs one static branch; enabled, each asks for the mapping times (ns),
 * which are taken whether or not the statistics are kept.
 *
 * Only dma-stats.c includes this file; Kbuild gives that object the -I that
 * lets <trace/define_trace.h> find it again (TRACE_INCLUDE_PATH below).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM nvme_phys

#if !defined(NVMP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define NVMP_TRACE_H

#include <linux/tracepoint.h>
#include "nvmp-block.h"

TRACE_EVENT_FN(nvmp_dma_map,
	       TP_PROTO(const struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			blk_status_t status, u64 ns),
	       TP_ARGS(dd, map, status, ns),
	       TP_STRUCT__entry(__string(dev, dev_name(dd->dev))
				__string(sel, nvmp_dma_path_name(map->sel))
				__string(path, nvmp_dma_path_name(map->path))
				__field(u32, segs_in)
				__field(u32, segs_out)
				__field(u32, bytes)
				__field(bool, batched)
				__field(int, err)
				__field(u64, ns)),
	       TP_fast_assign(__assign_str(dev);
			      __assign_str(sel);
			      __assign_str(path);
			      __entry->segs_in = map->nvecs;
			      __entry->segs_out = map->nsegs;
			      __entry->bytes = map->mapped;
			      __entry->batched = nvmp_map_batched(map);
			      __entry->err = blk_status_to_errno(status);
			      __entry->ns = ns;),
	       TP_printk("%s sel=%s path=%s segs_in=%u segs_out=%u bytes=%u batched=%d err=%d ns=%llu",
			 __get_str(dev), __get_str(sel), __get_str(path),
			 __entry->segs_in, __entry->segs_out, __entry->bytes,
			 __entry->batched, __entry->err, __entry->ns),
	       nvmp_trace_reg, nvmp_trace_unreg
);

TRACE_EVENT_FN(nvmp_dma_unmap,
	       TP_PROTO(const struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			u64 ns),
	       TP_ARGS(dd, map, ns),
	       TP_STRUCT__entry(__string(dev, dev_name(dd->dev))
				__string(sel, nvmp_dma_path_name(map->sel))
				__string(path, nvmp_dma_path_name(map->path))
				__field(u32, segs)
				__field(u32, bytes)
				__field(bool, batched)
				__field(u64, ns)),
	       TP_fast_assign(__assign_str(dev);
			      __assign_str(sel);
			      __assign_str(path);
			      __entry->segs = map->nsegs;
			      __entry->bytes = map->mapped;
			      __entry->batched = nvmp_map_batched(map);
			      __entry->ns = ns;),
	       TP_printk("%s sel=%s path=%s segs=%u bytes=%u batched=%d ns=%llu",
			 __get_str(dev), __get_str(sel), __get_str(path),
			 __entry->segs, __entry->bytes, __entry->batched,
			 __entry->ns),
	       nvmp_trace_reg, nvmp_trace_unreg
);

#endif /* NVMP_TRACE_H */

/* Out of tree: found through the -I Kbuild adds for dma-stats.o. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nvmp_trace
#include <trace/define_trace.h>
