/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The everyday kernel macros: min/max, rounding, container_of, warnings and
 * log messages.  Warnings do not crash: they are reported to the simulation
 * (sim_warn()), which turns them into test failures.
 */
#ifndef SHIM_LINUX_KERNEL_H
#define SHIM_LINUX_KERNEL_H

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>

#ifndef ULLONG_MAX
#define ULLONG_MAX	(~0ULL)
#endif
#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Each argument is evaluated once; the kernel's type checks are left out. */
#define min(a, b) ({ __auto_type _ma = (a); __auto_type _mb = (b); \
		     _ma < _mb ? _ma : _mb; })
#define max(a, b) ({ __auto_type _xa = (a); __auto_type _xb = (b); \
		     _xa > _xb ? _xa : _xb; })
#define min_t(t, a, b) ({ t _mta = (a), _mtb = (b); _mta < _mtb ? _mta : _mtb; })
#define max_t(t, a, b) ({ t _xta = (a), _xtb = (b); _xta > _xtb ? _xta : _xtb; })
#define min_not_zero(a, b) ({ __auto_type _za = (a); __auto_type _zb = (b); \
			      !_za ? _zb : !_zb ? _za : _za < _zb ? _za : _zb; })

#define DIV_ROUND_UP(n, d) ({						\
	__auto_type _dd = (d);						\
	((n) + _dd - 1) / _dd;						\
})
#define ALIGN(x, a) ({							\
	__auto_type _ax = (x);						\
	__typeof__(_ax) _am = (__typeof__(_ax))(a) - 1;			\
	(_ax + _am) & ~_am;						\
})
#define ALIGN_DOWN(x, a) ({						\
	__auto_type _dx = (x);						\
	_dx & ~((__typeof__(_dx))(a) - 1);				\
})
#define IS_ALIGNED(x, a) ({						\
	__auto_type _ix = (x);						\
	!(_ix & ((__typeof__(_ix))(a) - 1));				\
})

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define BIT(n)		(1UL << (n))
#define BIT_ULL(n)	(1ULL << (n))

/* Reported by the simulation, which counts it as a test failure. */
void sim_warn(const char *file, int line, const char *what);
void sim_log(const char *fmt, ...) __printf(1, 2);

#define WARN_ON(cond) ({						\
	bool _wc = !!(cond);						\
	if (unlikely(_wc))						\
		sim_warn(__FILE__, __LINE__, #cond);			\
	_wc;								\
})
#define WARN_ON_ONCE(cond)	WARN_ON(cond)
#define WARN(cond, ...)		WARN_ON(cond)
#define WARN_ONCE(cond, ...)	WARN_ON(cond)

#define pr_err(...)		sim_log(__VA_ARGS__)
#define pr_warn(...)		sim_log(__VA_ARGS__)
#define pr_info(...)		sim_log(__VA_ARGS__)
#define pr_debug(...)		do { } while (0)

#endif /* SHIM_LINUX_KERNEL_H */
