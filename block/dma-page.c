// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page baseline: each physical segment goes back to its struct page and
 * through dma_map_page_attrs(), the way drivers mapped before dma_map_phys().
 * This is the only file of the phys-walk paths that knows about pages; the
 * benchmark measures what that round trip costs.
 */
#include "nvmp-block.h"

dma_addr_t nvmp_page_map(struct device *dev, phys_addr_t paddr, u32 len,
			 enum dma_data_direction dir, unsigned long attrs)
{
	/* The page API refuses MMIO (peer memory through the host bridge). */
	if (attrs & DMA_ATTR_MMIO)
		return dma_map_phys(dev, paddr, len, dir, attrs);
	return dma_map_page_attrs(dev, phys_to_page(paddr), offset_in_page(paddr),
				  len, dir, attrs);
}

void nvmp_page_unmap(struct device *dev, dma_addr_t addr, u32 len,
		     enum dma_data_direction dir, unsigned long attrs)
{
	if (attrs & DMA_ATTR_MMIO)
		dma_unmap_phys(dev, addr, len, dir, attrs);
	else
		dma_unmap_page_attrs(dev, addr, len, dir, attrs);
}
