/* Stand-in for bcryptprimitives.dll, which wine 8 lacks (wine 9 ships it). Rust's standard library
 * imports ProcessPrng from it since Rust 1.78, so without this no Rust exe starts under wine 8.
 * Test scaffolding for scripts/wine-check.sh only: never shipped, never installed on Windows. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
