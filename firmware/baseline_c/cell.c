/* cell_c/...: change one byte of an n-byte payload, by struct copy or through a pointer.
 *
 * The C counterparts of Rust's Cell (copy out, change, copy back) and &mut (in place). The empty
 * asm with a memory clobber is C's black_box: it stands for a caller that uses the copy, so gcc
 * cannot fold the two copies into an in-place update (the Rust side does the same).
 *
 * gcc -Os copies up to 64 bytes inline and calls memcpy for 256 and 1024; the image's memcpy is
 * compiler_builtins', the routine the Rust side reaches through __aeabi_memcpy (see
 * bench/src/cell.rs, "The copies"). */
#include "baseline.h"

#define RIG_DEFINE_PAYLOAD(n)                                        \
    void cell_c_struct_copy_##n(struct rig_payload_##n *cell) {      \
        struct rig_payload_##n value = *cell;                        \
        __asm__ volatile("" : : "r"(&value) : "memory");             \
        value.bytes[0]++;                                            \
        *cell = value;                                               \
    }                                                                \
    void cell_c_pointer_##n(struct rig_payload_##n *cell) {          \
        cell->bytes[0]++;                                            \
    }
RIG_PAYLOAD_SIZES(RIG_DEFINE_PAYLOAD)
