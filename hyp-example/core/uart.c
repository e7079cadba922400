/* SPDX-License-Identifier: MIT */
/* PL011 on QEMU virt: transmit only, polled. Callers serialise (console.c). */
#include "hyp.h"

#define UART_BASE 0x09000000UL
#define UART_DR   0x00
#define UART_FR   0x18
#define FR_TXFF   (1U << 5)

void uart_putc(char c)
{
	volatile uint32_t *fr = (volatile uint32_t *)(UART_BASE + UART_FR);
	volatile uint32_t *dr = (volatile uint32_t *)(UART_BASE + UART_DR);

	while (*fr & FR_TXFF)
		;
	*dr = (uint32_t)(unsigned char)c;
}
