/* SPDX-License-Identifier: GPL-2.0-only */
/* Allocation flags: recorded, never acted on. */
#ifndef SHIM_LINUX_GFP_H
#define SHIM_LINUX_GFP_H

#include <linux/types.h>

#define __GFP_NOWARN	((gfp_t)0x2000U)
#define GFP_ATOMIC	((gfp_t)0x0820U)
#define GFP_KERNEL	((gfp_t)0x0cc0U)
#define GFP_NOWAIT	((gfp_t)0x0800U)

#endif /* SHIM_LINUX_GFP_H */
