// Stored logs of the format before src/transparency (written until 2026-12 by the
// exchange's message log and the data tracker): the same rows in tables named
// message_log_*, the key column named xroad_id. Opening a signed log moves them into the
// current tables (docs/formats/signed_log.md, "Migration"); the leaves, heads, signatures
// and timestamps are not touched, so every proof made before still verifies.
#pragma once

#include "core/status.h"
#include "store/store.h"

namespace riik::transparency {

// Moves every row of the legacy tables into the current ones (which must exist), a page
// per journaled transaction: a page's rows leave the old table and enter the new one in
// the same transaction, so a crash leaves each row in exactly one of them and the next
// open carries on. Nothing to do (OK) if the store never had the legacy tables.
Status MigrateLegacyTables(store::Store& store);

// For readers that cannot write (a read-only store): FailedPrecondition, saying how to
// migrate, if a legacy table still holds rows; OK otherwise.
Status RequireMigrated(store::Store& store);

}  // namespace riik::transparency
