// tessera-entry: range_product(u32, u32) -> u64
// tessera-reject: recursion
// tessera-run: 1 10
//
// Recursion is not supported (until it is): a factorial computed as the product of the range
// lo..=hi, split in two halves. (A plain `n * factorial(n - 1)` would not do: LLVM's
// tail-recursion elimination turns it into a loop, while this keeps a genuine recursive call.)
#include <stdint.h>

uint64_t range_product(uint32_t lo, uint32_t hi) {
    if (lo >= hi) {
        return lo == hi ? lo : 1;
    }
    uint32_t mid = lo + (hi - lo) / 2;
    return range_product(lo, mid) * range_product(mid + 1, hi);
}
