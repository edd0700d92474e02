// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scatterlist baseline: blk_rq_map_sg() into a scatterlist from a
 * mempool, dma_map_sgtable(), then one range per mapped entry.  This is what
 * NVMe drivers did before the DMA iterator; kept for comparison.
 */
#include "nvmp-block.h"

int nvmp_sg_init(struct nvmp_dma_dev *dd)
{
	dd->sg_pool = mempool_create_kmalloc_pool(1, dd->max_segs *
						  sizeof(struct scatterlist));
	return dd->sg_pool ? 0 : -ENOMEM;
}

bool nvmp_sg_start(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	struct sg_table *sgt = &map->sgt;
	int ret;

	sgt->sgl = mempool_alloc(dd->sg_pool, GFP_ATOMIC);
	if (!sgt->sgl) {
		iter->status = BLK_STS_RESOURCE;
		return false;
	}
	sg_init_table(sgt->sgl, dd->max_segs);
	sgt->orig_nents = blk_rq_map_sg(rq, sgt->sgl);
	if (!sgt->orig_nents)
		goto free;
	ret = dma_map_sgtable(dd->dev, sgt, rq_dma_dir(rq), DMA_ATTR_NO_WARN);
	if (ret) {
		iter->status = ret == -EREMOTEIO ? BLK_STS_TARGET : BLK_STS_RESOURCE;
		goto free;
	}
	/*
	 * dma_map_sgtable() did the peer-to-peer work itself; read back what
	 * it decided, for the statistics (one request is of one kind).
	 */
	if (sg_dma_is_bus_address(sgt->sgl))
		map->p2p = PCI_P2PDMA_MAP_BUS_ADDR;
	else if (is_pci_p2pdma_page(sg_page(sgt->sgl)))
		map->p2p = PCI_P2PDMA_MAP_THRU_HOST_BRIDGE;
	map->nvecs = sgt->orig_nents;
	map->nsegs = sgt->nents;
	map->mapped = nvmp_rq_len(rq);
	iter->sg = sgt->sgl;
	iter->sg_left = sgt->nents;
	return nvmp_sg_next(iter);
free:
	mempool_free(sgt->sgl, dd->sg_pool);
	sgt->sgl = NULL;
	return false;
}

bool nvmp_sg_next(struct nvmp_dma_iter *iter)
{
	if (!iter->sg_left)
		return false;
	iter->addr = sg_dma_address(iter->sg);
	iter->len = sg_dma_len(iter->sg);
	iter->sg = sg_next(iter->sg);
	iter->sg_left--;
	return true;
}

void nvmp_sg_unmap(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map)
{
	if (!map->sgt.sgl)
		return;
	if (map->mapped)
		dma_unmap_sgtable(dd->dev, &map->sgt, rq_dma_dir(rq), 0);
	mempool_free(map->sgt.sgl, dd->sg_pool);
	map->sgt.sgl = NULL;
}
