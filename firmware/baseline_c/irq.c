/* irq_c/sw_to_handler: pend an interrupt through STIR; the handler's first act reads the counter.
 *
 * rig_c_irq_handler is installed by the board's linker script on one unused line
 * (`rig_irq_<n> = rig_c_irq_handler;`), overriding cortexm's weak vector. Like the Rust top
 * half, it loads the counter's address and reads it in its third instruction. */
#include "baseline.h"

#define STIR (*(volatile uint32_t *)0xE000EF00u) /* ARMv7-M ARM B3.4.3 */

static volatile uint32_t *counter;
static volatile uint32_t timestamp;
static volatile uint32_t fired;

void irq_c_set_counter(uint32_t address) {
    counter = (volatile uint32_t *)address;
}

void rig_c_irq_handler(void) {
    timestamp = *counter;
    fired = 1;
}

void irq_c_sw_to_handler(uint32_t line) {
    STIR = line;
    while (!fired) {
    }
    fired = 0;
}

uint32_t irq_c_timestamp(void) {
    return timestamp;
}
