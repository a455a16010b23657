// Import module schema (owner: import): the columns a resumable import needs
// beyond core/1, and the view the dialer reads contacts through.
#include "storage/sqlite/migrations.h"

namespace clearline::storage {

const std::vector<Migration>& importMigrations() {
  static const std::vector<Migration> m = {
      {"import", 1, "import progress columns, dialable_contacts view",
       R"sql(
-- Bytes of the rejects file that belong to committed batches: a resumed
-- import truncates the file to this length before appending.
ALTER TABLE imports ADD COLUMN rejects_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN phones_imported INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN phones_invalid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN phones_duplicate INTEGER NOT NULL DEFAULT 0;
CREATE INDEX imports_campaign ON imports(campaign_id, id);

-- Contacts that may be dialled: not part of an import that is still running,
-- failed or cancelled (those rows are visible, counted and resumable, but a
-- half-imported list is not dialled). Contacts added outside an import
-- (import_id NULL) are always dialable.
CREATE VIEW dialable_contacts AS
  SELECT c.* FROM contacts c LEFT JOIN imports i ON i.id = c.import_id
  WHERE c.import_id IS NULL OR i.state = 'committed';
)sql"},
  };
  return m;
}

}  // namespace clearline::storage
