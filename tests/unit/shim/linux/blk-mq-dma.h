/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's request DMA iterator, which the upstream path of block/
 * calls; the simulation models it (simblk.c).
 */
#ifndef SHIM_LINUX_BLK_MQ_DMA_H
#define SHIM_LINUX_BLK_MQ_DMA_H

#include <linux/blk-mq.h>
#include <linux/pci-p2pdma.h>

struct blk_map_iter {
	struct bvec_iter iter;
	struct bio *bio;
	struct bio_vec *bvecs;
};

struct blk_dma_iter {
	dma_addr_t addr;
	u32 len;
	struct pci_p2pdma_map_state p2pdma;
	blk_status_t status;
	struct blk_map_iter iter;
};

bool blk_rq_dma_map_iter_start(struct request *rq, struct device *dma_dev,
			       struct dma_iova_state *state,
			       struct blk_dma_iter *iter);
bool blk_rq_dma_map_iter_next(struct request *rq, struct device *dma_dev,
			      struct blk_dma_iter *iter);

static inline bool blk_rq_dma_map_coalesce(struct dma_iova_state *state)
{
	return dma_use_iova(state);
}

/*
 * Unmap what the iterator needed no per-segment record for; %false means
 * the caller must unmap each segment itself.
 */
static inline bool blk_rq_dma_unmap(struct request *rq, struct device *dma_dev,
				    struct dma_iova_state *state,
				    size_t mapped_len,
				    enum pci_p2pdma_map_type map)
{
	unsigned long attrs;

	if (map == PCI_P2PDMA_MAP_BUS_ADDR)
		return true;
	if (!dma_use_iova(state))
		return !dma_need_unmap(dma_dev);
	attrs = map == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE ? DMA_ATTR_MMIO : 0;
	dma_iova_destroy(dma_dev, state, mapped_len, rq_dma_dir(rq), attrs);
	return true;
}

#endif /* SHIM_LINUX_BLK_MQ_DMA_H */
