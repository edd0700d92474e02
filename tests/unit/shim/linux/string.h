/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel's string helpers on top of the C library's. */
#ifndef SHIM_LINUX_STRING_H
#define SHIM_LINUX_STRING_H

#include <string.h>
#include <linux/types.h>

bool sysfs_streq(const char *a, const char *b);
int __sysfs_match_string(const char *const *array, size_t n, const char *s);

#define sysfs_match_string(a, s) \
	__sysfs_match_string(a, sizeof(a) / sizeof((a)[0]), s)

int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtouint_from_user(const char __user *s, size_t count, unsigned int base,
			 unsigned int *res);

#endif /* SHIM_LINUX_STRING_H */
