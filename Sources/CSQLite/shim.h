#include <sqlite3.h>

// sqlite3_config is variadic, which Swift cannot call: these wrappers set the process-wide
// options the store uses. They must run before SQLite initialises (before the first open).

/// Connections are never shared between threads (each has its own), so SQLite's connection
/// mutexes are not needed; the global allocator's statistics (and its mutex) are not used either.
static inline int lifecycle_sqlite_configure(void) {
    int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
