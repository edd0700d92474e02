// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference: the kernel's own exported DMA iterator,
 * blk_rq_dma_map_iter_start() and blk_rq_dma_map_iter_next().  Where it
 * neither coalesces into one IOVA range nor maps through a switch, and the
 * DMA layer needs an unmap, it leaves the per-segment unmap to the caller,
 * so this path records the segments it hands out.
 */
#include "nvmp-block.h"

int nvmp_up_init(struct nvmp_dma_dev *dd)
{
	dd->vec_pool = mempool_create_kmalloc_pool(1, dd->max_segs *
						   sizeof(struct nvmp_dma_vec));
	return dd->vec_pool ? 0 : -ENOMEM;
}

/* Record the range the kernel iterator just produced, when unmap needs it. */
static bool nvmp_up_record(struct nvmp_dma_dev *dd, struct nvmp_dma_map *map,
			   struct nvmp_dma_iter *iter)
{
	map->mapped += iter->len;
	if (map->vecs) {
		if (WARN_ON_ONCE(map->nsegs >= dd->max_segs)) {
			iter->status = BLK_STS_IOERR;
			return false;
		}
		map->vecs[map->nsegs].addr = iter->addr;
		map->vecs[map->nsegs].len = iter->len;
	}
	map->nsegs++;
	map->nvecs++;
	return true;
}

bool nvmp_up_start(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	if (!blk_rq_dma_map_iter_start(rq, dd->dev, &map->iova, &iter->up)) {
		iter->status = iter->up.status;
		return false;
	}
	map->p2p = iter->up.p2pdma.map;
	if (!dma_use_iova(&map->iova) && map->p2p != PCI_P2PDMA_MAP_BUS_ADDR &&
	    dma_need_unmap(dd->dev)) {
		map->vecs = mempool_alloc(dd->vec_pool, GFP_ATOMIC);
		if (!map->vecs) {
			/* Undo the first range before giving up. */
			dma_unmap_phys(dd->dev, iter->up.addr, iter->up.len,
				       rq_dma_dir(rq),
				       map->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE ?
				       DMA_ATTR_MMIO : 0);
			iter->status = BLK_STS_RESOURCE;
			return false;
		}
	}
	iter->addr = iter->up.addr;
	iter->len = iter->up.len;
	return nvmp_up_record(dd, map, iter);
}

bool nvmp_up_next(struct nvmp_dma_dev *dd, struct request *rq,
		  struct nvmp_dma_map *map, struct nvmp_dma_iter *iter)
{
	if (!blk_rq_dma_map_iter_next(rq, dd->dev, &iter->up)) {
		iter->status = iter->up.status;
		return false;
	}
	iter->addr = iter->up.addr;
	iter->len = iter->up.len;
	return nvmp_up_record(dd, map, iter);
}

void nvmp_up_unmap(struct nvmp_dma_dev *dd, struct request *rq,
		   struct nvmp_dma_map *map)
{
	unsigned int i;

	if (!map->mapped)
		goto out;
	if (blk_rq_dma_unmap(rq, dd->dev, &map->iova, map->mapped, map->p2p))
		goto out;
	if (WARN_ON_ONCE(!map->vecs))
		return;
	for (i = 0; i < map->nsegs; i++)
		dma_unmap_phys(dd->dev, map->vecs[i].addr, map->vecs[i].len,
			       rq_dma_dir(rq),
			       map->p2p == PCI_P2PDMA_MAP_THRU_HOST_BRIDGE ?
			       DMA_ATTR_MMIO : 0);
out:
	if (map->vecs)
		mempool_free(map->vecs, dd->vec_pool);
	map->vecs = NULL;
}
