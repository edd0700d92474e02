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
	return dma_map_page_attrs(dev, phys_to_page(paddr), offset_in_page(paddr),
				  len, dir, attrs);
}

void nvmp_page_unmap(struct device *dev, dma_addr_t addr, u32 len,
		     enum dma_data_direction dir, unsigned long attrs)
{
	dma_unmap_page_attrs(dev, addr, len, dir, attrs);
}
