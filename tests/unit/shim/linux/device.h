/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A device as the DMA layer sees it.  @sim points at the simulated DMA
 * setup (direct, swiotlb, IOMMU); device-managed allocations hang off
 * @devres until the simulation releases the device.
 */
#ifndef SHIM_LINUX_DEVICE_H
#define SHIM_LINUX_DEVICE_H

#include <linux/gfp.h>
#include <linux/kernel.h>

struct sim_dma_dev;
struct sim_devres;

struct device {
	const char *name;
	bool is_pci;
	struct sim_dma_dev *sim;
	struct sim_devres *devres;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->name;
}

void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp);

static inline void *devm_kcalloc(struct device *dev, size_t n, size_t size,
				 gfp_t gfp)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = devm_kmalloc(dev, n * size, gfp);
	if (p)
		memset(p, 0, n * size);
	return p;
}

/* Device messages are counted, and printed only when asked to. */
void sim_dev_msg(const struct device *dev, const char *level,
		 const char *fmt, ...) __printf(3, 4);

#define dev_err(dev, ...)		sim_dev_msg(dev, "err", __VA_ARGS__)
#define dev_warn(dev, ...)		sim_dev_msg(dev, "warn", __VA_ARGS__)
#define dev_info(dev, ...)		sim_dev_msg(dev, "info", __VA_ARGS__)
#define dev_err_ratelimited(dev, ...)	sim_dev_msg(dev, "err", __VA_ARGS__)
#define dev_warn_ratelimited(dev, ...)	sim_dev_msg(dev, "warn", __VA_ARGS__)

#endif /* SHIM_LINUX_DEVICE_H */
