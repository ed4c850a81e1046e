// Set and remove table properties (reserved keys are refused, as Java does).
import { InvalidArgumentError } from '../errors.js'
import { RESERVED_PROPERTIES } from '../spec/properties.js'
import type { TableMetadata } from '../spec/table-metadata.js'
import type { TableUpdate } from '../spec/updates.js'
import type { ChangeSet, PendingUpdate } from './pending-update.js'

/** A property change; applies to any base (last writer wins per key, as in Java). */
export class UpdateProperties implements PendingUpdate {
  readonly kind = 'update-properties'

  constructor(
    private readonly set: Readonly<Record<string, string>>,
    private readonly remove: readonly string[],
  ) {
    for (const k of [...Object.keys(set), ...remove]) {
      if (RESERVED_PROPERTIES.has(k)) throw new InvalidArgumentError(`Table property ${k} is reserved and cannot be set or removed`, { context: { field: k } })
    }
    const both = remove.filter((k) => k in set)
    if (both.length) throw new InvalidArgumentError(`Cannot both set and remove ${both.join(', ')}`)
  }

  /** The set/remove updates. */
  async apply(_m: TableMetadata): Promise<ChangeSet> {
    const updates: TableUpdate[] = []
    if (Object.keys(this.set).length) updates.push({ action: 'set-properties', updates: this.set })
    if (this.remove.length) updates.push({ action: 'remove-properties', removals: this.remove })
    return { updates, requirements: [] }
  }
}
