/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nvme-phys data pointers: PRPs and SGL descriptors filled straight from the
 * DMA iterator (block/), and the bus addresses read back from them when the
 * request is unmapped.  dptr.c includes nothing but this header, whose
 * includes tests/unit/shim/ provides: the unit tests compile dptr.c as the
 * module does.
 */
#ifndef NVMP_DPTR_H
#define NVMP_DPTR_H

#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <nvme-phys/dma.h>

#define NVMP_PAGE_SHIFT		12
#define NVMP_PAGE		BIT(NVMP_PAGE_SHIFT)
/* Largest transfer: 4 MiB, which needs at most 3 chained PRP list pages. */
#define NVMP_MAX_KB		4096
#define NVMP_MAX_LISTS		4
#define NVMP_PRPS_PER_LIST	(NVMP_PAGE / sizeof(__le64))
#define NVMP_SGLS_PER_LIST	(NVMP_PAGE / sizeof(struct nvme_sgl_desc))

/**
 * struct nvmp_dptr - a request's data pointer, besides the command's own
 * @map: the DMA iterator's record of what is mapped
 * @mapped: @map holds mappings that nvmp_dptr_unmap() must undo
 * @sgl_ok: the controller takes SGLs for this request: one that the
 *	iterator maps as a single range goes in one SGL data descriptor
 *	rather than in PRPs that need a list page
 * @use_sgl: SGL descriptors rather than PRPs
 * @nr_lists: list pages allocated
 * @nr_entries: PRP entries after PRP1, or SGL descriptors in the list page
 *	(0: the one descriptor in the command)
 * @spill: bus address of a range that was mapped but has no place in the
 *	descriptors; only a mapping that failed has one
 * @lists: the list pages: PRP lists chained through their last entry, or
 *	one page of SGL descriptors
 * @first_list: bus address of @lists[0]
 *
 * Lives in the driver's per-request data.  Before nvmp_dptr_map(), @mapped
 * is false, @nr_lists 0, and nvmp_dptr_choose() has set @sgl_ok and
 * @use_sgl.
 */
struct nvmp_dptr {
	struct nvmp_dma_map map;
	bool mapped;
	bool sgl_ok;
	bool use_sgl;
	u8 nr_lists;
	u32 nr_entries;
	dma_addr_t spill;
	void *lists[NVMP_MAX_LISTS];
	dma_addr_t first_list;
};

void nvmp_dptr_choose(struct nvmp_dptr *dp, struct request *rq, u32 sgls,
		      unsigned int threshold);
blk_status_t nvmp_dptr_map(struct nvmp_dma_dev *dd, struct dma_pool *pool,
			   struct request *rq, struct nvme_common_command *cmd,
			   struct nvmp_dptr *dp, atomic_t *fail_first);
void nvmp_dptr_unmap(struct nvmp_dma_dev *dd, struct dma_pool *pool,
		     struct request *rq, const struct nvme_common_command *cmd,
		     struct nvmp_dptr *dp);

#endif /* NVMP_DPTR_H */
