// Set and remove table properties (reserved keys are refused; Java's PropertiesUpdate silently drops them). `format-version` is the one
// reserved key that may be set: like Java's TableMetadata.replaceProperties it upgrades the table instead
// of being stored.
import { InvalidArgumentError } from '../errors.js'
import { checkMetricsColumns, parseFormatVersion } from '../spec/new-table.js'
import { RESERVED_PROPERTIES } from '../spec/properties.js'
import { currentSchema, type FormatVersion, type TableMetadata } from '../spec/table-metadata.js'
import type { TableUpdate } from '../spec/updates.js'
import type { ChangeSet, PendingUpdate } from './pending-update.js'

const FORMAT_VERSION = 'format-version'

/** A property change; applies to any base (last writer wins per key, as in Java). */
export class UpdateProperties implements PendingUpdate {
  readonly kind = 'update-properties'
  private readonly set: Readonly<Record<string, string>>
  private readonly formatVersion: FormatVersion | undefined

  constructor(
    set: Readonly<Record<string, string>>,
    private readonly remove: readonly string[],
  ) {
    for (const k of [...Object.keys(set), ...remove]) {
      if (k === FORMAT_VERSION && Object.hasOwn(set, k)) continue
      if (RESERVED_PROPERTIES.has(k)) throw new InvalidArgumentError(`Table property ${k} is reserved and cannot be set or removed`, { context: { field: k } })
    }
    const both = remove.filter((k) => k in set)
    if (both.length) throw new InvalidArgumentError(`Cannot both set and remove ${both.join(', ')}`)
    const raw = Object.hasOwn(set, FORMAT_VERSION) ? set[FORMAT_VERSION] : undefined
    this.formatVersion = raw === undefined ? undefined : parseFormatVersion(raw)
    this.set = Object.fromEntries(Object.entries(set).filter(([k]) => k !== FORMAT_VERSION))
  }

  /** The commit-time changes (pure, so later schema/spec/order edits of the same transaction see an upgrade). */
  async apply(m: TableMetadata): Promise<ChangeSet> {
    return this.changes(m)
  }

  /** The set/remove updates, plus `upgrade-format-version` when `format-version` asks for a newer version. */
  changes(m: TableMetadata): ChangeSet {
    const updates: TableUpdate[] = []
    if (this.formatVersion !== undefined) {
      if (this.formatVersion < m.formatVersion)
        throw new InvalidArgumentError(`Cannot downgrade v${m.formatVersion} table to v${this.formatVersion}`, { context: { field: FORMAT_VERSION } })
      if (this.formatVersion > m.formatVersion) updates.push({ action: 'upgrade-format-version', formatVersion: this.formatVersion })
    }
    // like Java's PropertiesUpdate, every metrics column of the resulting properties must exist
    const after: Record<string, string> = { ...m.properties, ...this.set }
    for (const k of this.remove) delete after[k]
    checkMetricsColumns(after, currentSchema(m))
    if (Object.keys(this.set).length) updates.push({ action: 'set-properties', updates: this.set })
    if (this.remove.length) updates.push({ action: 'remove-properties', removals: this.remove })
    return { updates, requirements: [] }
  }
}
