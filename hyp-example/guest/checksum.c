/* SPDX-License-Identifier: MIT */
/* Guest "checksum": vCPU 0 computes CRC-32 of "123456789" (the standard
 * check value 0xcbf43926); vCPU 1 counts the primes below 50000 (5133). */
#include "guest.h"

static uint32_t crc32(const uint8_t *p, uint64_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

static uint64_t primes_below(uint64_t n)
{
	volatile uint8_t *sieve = (volatile uint8_t *)DATA_START;
	uint64_t count = 0;

	for (uint64_t i = 0; i < n; i++)
		sieve[i] = 1;
	for (uint64_t i = 2; i < n; i++) {
		if (!sieve[i])
			continue;
		count++;
		for (uint64_t j = i * i; j < n; j += i)
			sieve[j] = 0;
		if ((i & 0xfff) == 0)
			gyield(i);
	}
	return count;
}

uint64_t guest_main(uint64_t vcpu, uint64_t memsize)
{
	static const char check[] = "123456789";

	(void)memsize;
	if (vcpu == 0) {
		uint32_t c = crc32((const uint8_t *)check, 9);

		gyield(c);
		gprintf("checksum: crc32(\"123456789\") = 0x%08x (expected 0xcbf43926)\n", c);
		return c != 0xcbf43926u;
	} else {
		uint64_t n = primes_below(50000);

		gprintf("checksum: %lu primes below 50000 (expected 5133)\n", (unsigned long)n);
		return n != 5133;
	}
}
