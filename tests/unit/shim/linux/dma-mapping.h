/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The streaming DMA API, the IOVA API and the few device queries block/
 * makes.  Everything is implemented by the simulated DMA layer (simdma.c),
 * which checks each call against the rules of the real API.
 */
#ifndef SHIM_LINUX_DMA_MAPPING_H
#define SHIM_LINUX_DMA_MAPPING_H

#include <linux/device.h>
#include <linux/dma-direction.h>
#include <linux/mm.h>

#define DMA_ATTR_WEAK_ORDERING		BIT(1)
#define DMA_ATTR_WRITE_COMBINE		BIT(2)
#define DMA_ATTR_NO_KERNEL_MAPPING	BIT(4)
#define DMA_ATTR_SKIP_CPU_SYNC		BIT(5)
#define DMA_ATTR_FORCE_CONTIGUOUS	BIT(6)
#define DMA_ATTR_ALLOC_SINGLE_PAGES	BIT(7)
#define DMA_ATTR_NO_WARN		BIT(8)
#define DMA_ATTR_PRIVILEGED		BIT(9)
#define DMA_ATTR_MMIO			BIT(10)

#define DMA_MAPPING_ERROR		(~(dma_addr_t)0)

/*
 * One IOVA range of the IOVA API.  @addr is the bus address of byte 0;
 * @__size is the size asked for, 0 when no range is held.
 */
struct dma_iova_state {
	dma_addr_t addr;
	u64 __size;
};

static inline size_t dma_iova_size(struct dma_iova_state *state)
{
	return (size_t)state->__size;
}

static inline bool dma_use_iova(struct dma_iova_state *state)
{
	return state->__size != 0;
}

dma_addr_t dma_map_phys(struct device *dev, phys_addr_t phys, size_t size,
			enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_phys(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir, unsigned long attrs);
dma_addr_t dma_map_page_attrs(struct device *dev, struct page *page,
			      size_t offset, size_t size,
			      enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_page_attrs(struct device *dev, dma_addr_t addr, size_t size,
			  enum dma_data_direction dir, unsigned long attrs);
int dma_mapping_error(struct device *dev, dma_addr_t addr);

bool dma_need_unmap(struct device *dev);
unsigned long dma_get_merge_boundary(struct device *dev);

bool dma_iova_try_alloc(struct device *dev, struct dma_iova_state *state,
			phys_addr_t phys, size_t size);
void dma_iova_free(struct device *dev, struct dma_iova_state *state);
int dma_iova_link(struct device *dev, struct dma_iova_state *state,
		  phys_addr_t phys, size_t offset, size_t size,
		  enum dma_data_direction dir, unsigned long attrs);
int dma_iova_sync(struct device *dev, struct dma_iova_state *state,
		  size_t offset, size_t size);
void dma_iova_unlink(struct device *dev, struct dma_iova_state *state,
		     size_t offset, size_t size, enum dma_data_direction dir,
		     unsigned long attrs);
void dma_iova_destroy(struct device *dev, struct dma_iova_state *state,
		      size_t mapped_len, enum dma_data_direction dir,
		      unsigned long attrs);

struct sg_table;
int dma_map_sgtable(struct device *dev, struct sg_table *sgt,
		    enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_sgtable(struct device *dev, struct sg_table *sgt,
		       enum dma_data_direction dir, unsigned long attrs);

#endif /* SHIM_LINUX_DMA_MAPPING_H */
