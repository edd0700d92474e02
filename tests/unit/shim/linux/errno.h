/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Error numbers.  The C library's <errno.h> reaches for <linux/errno.h>
 * itself, so this one must give it the uapi numbers and nothing else.
 */
#ifndef SHIM_LINUX_ERRNO_H
#define SHIM_LINUX_ERRNO_H

#include <asm/errno.h>

#endif /* SHIM_LINUX_ERRNO_H */
