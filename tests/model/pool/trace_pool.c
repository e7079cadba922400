/* SPDX-License-Identifier: MIT */
/*
 * Trace side of the pool differential test (tests/model/pool): drives the
 * real lib/pool with seeded random operations and prints, per operation,
 * everything the extracted Coq model (proofs/coq/PoolExec.v) must
 * reproduce: the call, the fault schedule its callbacks followed, the
 * return value, every ops callback / scrub / record change / rollback
 * failure in order, and the state. driver.ml replays and compares.
 *   trace_pool SEED NOPS
 * Output, one item per line (numbers decimal, addresses 0x hex):
 *   O i REPEAT KIND ARGS...     the call (REPEAT > 1: called until it fails)
 *   F K ERR                     callback K (0-based in the op) returned ERR
 *   E R|U WHO PA N RET          reserve / unmap callback
 *   E M WHO PA N STATE RET      map callback
 *   E S PA N                    pages zeroed (seen in memory, see below)
 *   E T PA N OLD NEW BOR STATE  on_transition (an ownership record change)
 *   E B PA                      pool_rollback_failed's report
 *   R RET CALLS PA              result, calls made, hyp_alloc's *pa (or 0)
 *   W IDX WORD                  a record this op changed (new word, hex)
 *   C CURSOR                    hyp allocator cursor
 *   S W0 ... W63                every record (every 64th op)
 *   .                           end of the op
 *   END NOPS
 * Scrubs are seen, not assumed: every pool page holds nonzero bytes while
 * no operation runs; pa_to_va notes the page, and at the next callback (or
 * the op's end) a noted page that is now all zero is logged as scrubbed.
 * A build that skips the zeroing (VRM_TWIN_NO_SCRUB) logs no scrub.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vrm/check.h>
#include <vrm/pool.h>

#define NP 64
#define NVM 4
#define BASE_PFN UINT64_C(0x40003) /* odd: hyp_alloc's alignment matters */
#define BASE (BASE_PFN << VRM_PAGE_SHIFT)
#define MAXEV 4096
#define FAULT_PER_MILLE 30
/* A share/unshare burst (65536 calls on one page) once in this many ops:
 * enough to reach -EOVERFLOW a few times per 100000 ops, cheap enough
 * for the model to replay. */
#define BURST_ONE_IN 2000

static struct vrm_pool pool;
static struct vrm_pool_page meta[NP];
static _Alignas(4096) unsigned char mem[NP][VRM_PAGE_SIZE];
static _Alignas(4096) unsigned char dummy[VRM_PAGE_SIZE];

static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * UINT64_C(2685821657736338717);
}

static uint64_t below(uint64_t n)
{
	return rnd() % n;
}

struct ev {
	char t;
	uint64_t a[6];
	int ret;
};

static struct ev evs[MAXEV];
static int nev, ncb, faults_on, nfault;
static int fault_k[MAXEV], fault_err[MAXEV];
static int noted[MAXEV], nnoted;
static unsigned char reported[NP];
static unsigned long overflow;

static struct ev *push(char t)
{
	struct ev *e = &evs[nev < MAXEV - 1 ? nev++ : nev];

	if (nev >= MAXEV - 1)
		overflow++;
	memset(e, 0, sizeof(*e));
	e->t = t;
	return e;
}

static bool all_zero(const unsigned char *p)
{
	for (size_t i = 0; i < VRM_PAGE_SIZE; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Pages pa_to_va handed out since the last event that are zero now. */
static void flush_scrub(void)
{
	for (int i = 0; i < nnoted; i++) {
		int p = noted[i];
		uint64_t pa = BASE + ((uint64_t)p << VRM_PAGE_SHIFT);
		struct ev *last = nev > 0 ? &evs[nev - 1] : NULL;

		if (reported[p] || !all_zero(mem[p]))
			continue;
		reported[p] = 1;
		if (last != NULL && last->t == 'S' &&
		    last->a[0] + (last->a[1] << VRM_PAGE_SHIFT) == pa) {
			last->a[1]++;
		} else {
			struct ev *e = push('S');
			e->a[0] = pa;
			e->a[1] = 1;
		}
	}
	nnoted = 0;
}

/* The callback's result from the random fault schedule. */
static int outcome(void)
{
	static const int errs[] = {-VRM_ENOMEM, -VRM_EEXIST, -5};
	int k = ncb++;

	if (!faults_on || below(1000) >= FAULT_PER_MILLE)
		return 0;
	fault_k[nfault] = k;
	fault_err[nfault] = errs[below(3)];
	return fault_err[nfault++];
}

static int cb_reserve(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	struct ev *e;

	(void)ctx;
	flush_scrub();
	e = push('R');
	e->a[0] = who;
	e->a[1] = pa;
	e->a[2] = n;
	e->ret = outcome();
	return e->ret;
}

static int cb_unmap(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n)
{
	struct ev *e;

	(void)ctx;
	flush_scrub();
	e = push('U');
	e->a[0] = who;
	e->a[1] = pa;
	e->a[2] = n;
	e->ret = outcome();
	return e->ret;
}

static int cb_map(void *ctx, vrm_principal_t who, vrm_pa_t pa, uint64_t n,
		  enum vrm_pool_state st)
{
	struct ev *e;

	(void)ctx;
	flush_scrub();
	e = push('M');
	e->a[0] = who;
	e->a[1] = pa;
	e->a[2] = n;
	e->a[3] = st;
	e->ret = outcome();
	return e->ret;
}

static void *cb_pa_to_va(void *ctx, vrm_pa_t pa)
{
	uint64_t p = (pa - BASE) >> VRM_PAGE_SHIFT;

	(void)ctx;
	flush_scrub();
	if (pa < BASE || p >= NP)
		return dummy;
	if (nnoted < MAXEV)
		noted[nnoted++] = (int)p;
	return mem[p];
}

static void on_transition(void *arg, vrm_pa_t pa, uint64_t n, vrm_principal_t old,
			  vrm_principal_t new_owner, vrm_principal_t bor,
			  enum vrm_pool_state st)
{
	struct ev *e;

	(void)arg;
	flush_scrub();
	e = push('T');
	e->a[0] = pa;
	e->a[1] = n;
	e->a[2] = old;
	e->a[3] = new_owner;
	e->a[4] = bor;
	e->a[5] = st;
}

static void reporter(const struct vrm_check_report *r)
{
	struct ev *e;

	/* Checked builds report other conditions too; only this one is the
	 * pool's own statement about a failed rollback. */
	if (r->rule == NULL || strcmp(r->rule, "pool-rollback-callback-failed") != 0)
		return;
	flush_scrub();
	e = push('B');
	e->a[0] = r->addr;
}

static uint64_t word(int i)
{
	return meta[i].word;
}

static vrm_pa_t page_pa(uint64_t i)
{
	return BASE + (i << VRM_PAGE_SHIFT);
}

/* A page whose record matches (word & mask) == want, at random; else any. */
static uint64_t pick_w(uint64_t mask, uint64_t want)
{
	uint64_t cand[NP], n = 0;

	for (uint64_t i = 0; i < NP; i++)
		if ((word((int)i) & mask) == want)
			cand[n++] = i;
	return n > 0 ? cand[below(n)] : below(NP);
}

#define M_OWNER UINT64_C(0xffff)
#define M_STATE (UINT64_C(0xff) << 48)
#define M_FREE (UINT64_C(1) << 56)
#define ST(s) ((uint64_t)(s) << 48)

/* A page of `owner`; want_state < 0: any state. */
static uint64_t pick(vrm_principal_t owner, int want_state)
{
	if (want_state < 0)
		return pick_w(M_OWNER, owner);
	return pick_w(M_OWNER | M_STATE, owner | ST(want_state));
}

/* pa and npages: mostly a good range at page `start`, sometimes one of
 * the malformed ones pool_range must reject. */
static void range(uint64_t start, uint64_t *pa, uint64_t *n)
{
	uint64_t r = below(100);

	*pa = page_pa(start);
	*n = 1 + below(4);
	if (r < 3)
		*n = 0;
	else if (r < 5)
		*n = UINT64_C(1) << 40;
	else if (r < 8)
		*pa += 0x800;
	else if (r < 10)
		*pa = BASE - VRM_PAGE_SIZE * (1 + below(3));
	else if (r < 12)
		*pa = page_pa(NP + below(3));
}

static vrm_principal_t any_principal(void)
{
	static const vrm_principal_t p[] = {
		VRM_PRINCIPAL_NONE, VRM_PRINCIPAL_HYP, VRM_PRINCIPAL_HOST,
		VRM_PRINCIPAL_VM(0), VRM_PRINCIPAL_VM(1), VRM_PRINCIPAL_VM(3),
		VRM_PRINCIPAL_VM(NVM), VRM_PRINCIPAL_VM(1000)};
	return p[below(sizeof(p) / sizeof(p[0]))];
}

static vrm_principal_t a_vm(void)
{
	return below(20) == 0 ? VRM_PRINCIPAL_VM(NVM) : VRM_PRINCIPAL_VM(below(NVM));
}

enum kind { K_DONATE, K_SHARE, K_UNSHARE, K_RECLAIM, K_ALLOC, K_FREE, K_BOOT };
static const char *const kind_name[] = {"donate", "share", "unshare", "reclaim",
					"alloc", "free", "boot"};

struct call {
	enum kind k;
	uint64_t pa, n;
	uint32_t p1, p2, order;
	int pa_null;
	uint64_t repeat;
};

static void gen(struct call *c)
{
	uint64_t r = below(1000);

	memset(c, 0, sizeof(*c));
	c->repeat = 1;
	if (r < 230) {
		uint64_t d = below(100);

		c->k = K_DONATE;
		if (d < 35) {
			c->p1 = VRM_PRINCIPAL_HOST;
			c->p2 = a_vm();
		} else if (d < 55) {
			c->p1 = VRM_PRINCIPAL_HOST;
			c->p2 = VRM_PRINCIPAL_HYP;
		} else if (d < 80) {
			c->p1 = VRM_PRINCIPAL_HYP;
			c->p2 = VRM_PRINCIPAL_HOST;
		} else {
			c->p1 = any_principal();
			c->p2 = any_principal();
		}
		/* mostly an unshared page of the giver (hyp: allocated), sometimes
		 * a lent one (-EBUSY) or someone else's (-EPERM) */
		if (below(5) == 0)
			range(pick(any_principal(), -1), &c->pa, &c->n);
		else if (c->p1 == VRM_PRINCIPAL_HYP)
			range(pick_w(M_OWNER | M_FREE, VRM_PRINCIPAL_HYP), &c->pa, &c->n);
		else
			range(pick(c->p1, below(8) == 0 ? -1 : VRM_POOL_OWNED), &c->pa, &c->n);
	} else if (r < 480 || r >= 980) {
		uint64_t d = below(100);

		c->k = r < 480 ? K_SHARE : K_UNSHARE;
		if (d < 45) {
			c->p1 = VRM_PRINCIPAL_HOST;
			c->p2 = a_vm();
		} else if (d < 85) {
			c->p1 = a_vm();
			c->p2 = VRM_PRINCIPAL_HOST;
		} else {
			c->p1 = any_principal();
			c->p2 = any_principal();
		}
		range(pick(c->p1, c->k == K_UNSHARE && below(4) != 0 ? VRM_POOL_SHARED_OWNED : -1),
		      &c->pa, &c->n);
		if (r >= 980 && below(BURST_ONE_IN / 50) == 0) {
			/* a burst on one page: the share count to its limit
			 * (-EOVERFLOW) or back down */
			c->n = 1;
			c->k = below(2) ? K_SHARE : K_UNSHARE;
			c->repeat = VRM_POOL_SHARE_MAX + 1;
		}
	} else if (r < 680) {
		uint64_t d = below(100);

		c->k = K_UNSHARE;
		if (d < 45) {
			c->p1 = VRM_PRINCIPAL_HOST;
			c->p2 = a_vm();
		} else if (d < 90) {
			c->p1 = a_vm();
			c->p2 = VRM_PRINCIPAL_HOST;
		} else {
			c->p1 = any_principal();
			c->p2 = any_principal();
		}
		if (below(5) != 0) {
			/* a page that is lent: its owner and borrower */
			uint64_t p = pick_w(M_STATE, ST(VRM_POOL_SHARED_OWNED));

			if ((word((int)p) & M_STATE) == ST(VRM_POOL_SHARED_OWNED)) {
				c->p1 = (vrm_principal_t)(word((int)p) & 0xffff);
				c->p2 = (vrm_principal_t)((word((int)p) >> 16) & 0xffff);
			}
			range(p, &c->pa, &c->n);
		} else {
			range(pick(c->p1, -1), &c->pa, &c->n);
		}
	} else if (r < 740) {
		c->k = K_RECLAIM;
		c->p1 = below(10) == 0 ? any_principal() : VRM_PRINCIPAL_VM(below(NVM));
	} else if (r < 860) {
		uint64_t d = below(100);

		c->k = K_ALLOC;
		c->order = d < 50 ? 0 : d < 75 ? 1 : d < 90 ? 2 : d < 95 ? 3 : d < 98 ? 19 : 0;
		c->pa_null = d >= 98;
	} else if (r < 970) {
		uint64_t d = below(100);

		c->k = K_FREE;
		c->order = d < 60 ? 0 : d < 85 ? 1 : d < 95 ? 2 : 19;
		/* mostly an allocated hyp page, sometimes a free one (-EPERM) */
		c->pa = page_pa(pick_w(M_OWNER | M_FREE,
				       VRM_PRINCIPAL_HYP | (below(6) == 0 ? M_FREE : 0)));
		if (below(10) == 0)
			c->pa = page_pa(below(NP)) + (below(2) ? 0x800 : 0);
		/* align down to the run (the pool's pfn, not the index) */
		if (c->order <= 2 && below(5) != 0)
			c->pa &= ~((VRM_PAGE_SIZE << c->order) - 1);
		if (c->pa < BASE)
			c->pa += VRM_PAGE_SIZE << c->order;
	} else if (r < 975) {
		c->k = K_BOOT;
		range(below(NP), &c->pa, &c->n);
		c->p1 = below(8) == 0 ? any_principal() :
			(vrm_principal_t)below(3); /* NONE, HYP, HOST */
	} else if (r < 980) {
		/* hyp_alloc orders that cannot fit: -ENOMEM */
		c->k = K_ALLOC;
		c->order = (uint32_t)(4 + below(3));
	}
}

static int call1(const struct call *c, vrm_pa_t *out)
{
	switch (c->k) {
	case K_DONATE:
		return vrm_pool_donate(&pool, c->pa, c->n, c->p1, c->p2);
	case K_SHARE:
		return vrm_pool_share(&pool, c->pa, c->n, c->p1, c->p2);
	case K_UNSHARE:
		return vrm_pool_unshare(&pool, c->pa, c->n, c->p1, c->p2);
	case K_RECLAIM:
		return vrm_pool_reclaim(&pool, c->p1);
	case K_ALLOC:
		return vrm_pool_hyp_alloc(&pool, c->order, c->pa_null ? NULL : out);
	case K_FREE:
		return vrm_pool_hyp_free(&pool, c->pa, c->order);
	case K_BOOT:
		return vrm_pool_boot_assign(&pool, c->pa, c->n, c->p1);
	}
	abort();
}

static void print_call(unsigned long i, const struct call *c)
{
	printf("O %lu %llu %s", i, (unsigned long long)c->repeat, kind_name[c->k]);
	switch (c->k) {
	case K_DONATE:
	case K_SHARE:
	case K_UNSHARE:
		printf(" 0x%llx %llu %u %u\n", (unsigned long long)c->pa,
		       (unsigned long long)c->n, c->p1, c->p2);
		break;
	case K_RECLAIM:
		printf(" %u\n", c->p1);
		break;
	case K_ALLOC:
		printf(" %d %u\n", c->pa_null, c->order);
		break;
	case K_FREE:
		printf(" 0x%llx %u\n", (unsigned long long)c->pa, c->order);
		break;
	case K_BOOT:
		printf(" 0x%llx %llu %u\n", (unsigned long long)c->pa,
		       (unsigned long long)c->n, c->p1);
		break;
	}
}

static void print_events(void)
{
	for (int i = 0; i < nev; i++) {
		const struct ev *e = &evs[i];
		unsigned long long *a = (unsigned long long *)e->a;

		switch (e->t) {
		case 'R':
		case 'U':
			printf("E %c %llu 0x%llx %llu %d\n", e->t, a[0], a[1], a[2], e->ret);
			break;
		case 'M':
			printf("E M %llu 0x%llx %llu %llu %d\n", a[0], a[1], a[2], a[3], e->ret);
			break;
		case 'S':
			printf("E S 0x%llx %llu\n", a[0], a[1]);
			break;
		case 'T':
			printf("E T 0x%llx %llu %llu %llu %llu %llu\n", a[0], a[1], a[2], a[3],
			       a[4], a[5]);
			break;
		case 'B':
			printf("E B 0x%llx\n", a[0]);
			break;
		}
	}
}

/* Pages hold nonzero bytes between operations (so a scrub is visible). */
static void dirty(int p)
{
	memset(mem[p], 0xa5 ^ p, VRM_PAGE_SIZE);
}

int main(int argc, char **argv)
{
	struct vrm_pool_ops ops = {
		.reserve = cb_reserve, .map = cb_map, .unmap = cb_unmap,
		.pa_to_va = cb_pa_to_va, .is_mapped = NULL,
	};
	unsigned long nops, i;
	uint64_t before[NP];

	if (argc != 3) {
		fprintf(stderr, "usage: %s SEED NOPS\n", argv[0]);
		return 2;
	}
	rng = strtoull(argv[1], NULL, 0) * UINT64_C(0x9e3779b97f4a7c15) + 1;
	nops = strtoul(argv[2], NULL, 0);
	for (int p = 0; p < NP; p++)
		dirty(p);
	if (vrm_pool_init(&pool, BASE, NP, meta, NVM, &ops) != 0)
		return 1;
	pool.on_transition = on_transition;
	vrm_check_set_reporter(reporter);
	printf("P %d %d 0x%llx\n", NP, NVM, (unsigned long long)BASE_PFN);

	for (i = 0; i < nops; i++) {
		struct call c;
		vrm_pa_t out = 0;
		uint64_t calls = 0;
		int ret = 0;

		/* boot: holes and the hyp's pages, as a platform would */
		if (i == 0) {
			memset(&c, 0, sizeof(c));
			c.k = K_BOOT, c.repeat = 1, c.pa = page_pa(0), c.n = 2;
			c.p1 = VRM_PRINCIPAL_NONE;
		} else if (i == 1) {
			memset(&c, 0, sizeof(c));
			c.k = K_BOOT, c.repeat = 1, c.pa = page_pa(40), c.n = 24;
			c.p1 = VRM_PRINCIPAL_HYP;
		} else {
			gen(&c);
		}
		for (int p = 0; p < NP; p++)
			before[p] = word(p);
		nev = ncb = nfault = nnoted = 0;
		faults_on = c.repeat == 1;
		while (calls < c.repeat) {
			/* a burst keeps the log of its last call only */
			flush_scrub();
			nev = ncb = 0;
			calls++;
			ret = call1(&c, &out);
			if (ret != 0)
				break;
		}
		flush_scrub();
		print_call(i, &c);
		for (int f = 0; f < nfault; f++)
			printf("F %d %d\n", fault_k[f], fault_err[f]);
		print_events();
		printf("R %d %llu 0x%llx\n", ret, (unsigned long long)calls,
		       (unsigned long long)(c.k == K_ALLOC && ret == 0 ? out : 0));
		for (int p = 0; p < NP; p++)
			if (word(p) != before[p])
				printf("W %d 0x%llx\n", p, (unsigned long long)word(p));
		printf("C %llu\n", (unsigned long long)pool.alloc_cursor);
		if (i % 64 == 63) {
			printf("S");
			for (int p = 0; p < NP; p++)
				printf(" 0x%llx", (unsigned long long)word(p));
			printf("\n");
		}
		printf(".\n");
		for (int p = 0; p < NP; p++)
			if (reported[p]) {
				reported[p] = 0;
				dirty(p);
			}
	}
	printf("END %lu\n", nops);
	if (overflow != 0) {
		fprintf(stderr, "event log overflow (%lu)\n", overflow);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
