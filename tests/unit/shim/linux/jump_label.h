/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Static keys in user space: a count read at each branch, which is what a
 * static key means, without the code patching that makes it free.
 */
#ifndef SHIM_LINUX_JUMP_LABEL_H
#define SHIM_LINUX_JUMP_LABEL_H

#include <linux/kernel.h>

struct static_key_false {
	int enabled;
};

#define DEFINE_STATIC_KEY_FALSE(name)	struct static_key_false name = { 0 }
#define DECLARE_STATIC_KEY_FALSE(name)	extern struct static_key_false name

#define static_key_enabled(k)		((k)->enabled > 0)
#define static_branch_unlikely(k)	static_key_enabled(k)
#define static_branch_enable(k)		((void)((k)->enabled = 1))
#define static_branch_disable(k)	((void)((k)->enabled = 0))
#define static_branch_inc(k)		((void)(k)->enabled++)
#define static_branch_dec(k)		((void)(k)->enabled--)

#endif /* SHIM_LINUX_JUMP_LABEL_H */
