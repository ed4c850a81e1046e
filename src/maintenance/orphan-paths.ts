// Pure path logic of orphan-file removal (Java's DeleteOrphanFiles): how a location is split into scheme,
// authority and path for comparison, which schemes and authorities count as equal, and which listed files
// are hidden (a `_` or `.` name below the listed folder, except a partition folder such a field names).

/** A location split for comparison: files are matched by `key`, then scheme and authority are checked. */
export interface FileKey {
  /** The scheme, lower case, after equal-schemes mapping ('' for a bare path). */
  readonly scheme: string
  /** The authority (bucket, host), after equal-authorities mapping ('' when there is none). */
  readonly authority: string
  /** The path: repeated slashes collapsed, percent-escapes decoded, no trailing slash. */
  readonly key: string
  /** The location as written. */
  readonly location: string
}

/** Java's default: `s3n` and `s3a` are `s3`. */
export const DEFAULT_EQUAL_SCHEMES: Readonly<Record<string, string>> = { s3n: 's3', s3a: 's3' }

/**
 * Flatten `{ 's3n,s3a': 's3' }` (Java's form: comma-separated keys) to one entry per key, lower case for
 * schemes; an empty key or value is refused by the caller's validation.
 */
export function flattenEquivalences(m: Readonly<Record<string, string>>, lowerCase: boolean): Map<string, string> {
  const out = new Map<string, string>()
  for (const [keys, value] of Object.entries(m)) {
    for (const k of keys.split(',')) {
      const key = k.trim()
      if (key) out.set(lowerCase ? key.toLowerCase() : key, lowerCase ? value.trim().toLowerCase() : value.trim())
    }
  }
  return out
}

function decode(s: string): string {
  if (!s.includes('%')) return s
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

// `.` and `..` segments resolved, as Hadoop's Path normalises them (a leading `..` of a relative path stays)
function dotSegments(p: string): string {
  if (!p.includes('.')) return p
  const out: string[] = []
  for (const seg of p.split('/')) {
    if (seg === '.') continue
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop()
    else if (seg === '..' && out.length === 1 && out[0] === '') continue
    else out.push(seg)
  }
  return out.join('/')
}

/**
 * Split `location` into scheme, authority and a comparable path. `file:/a`, `file:///a` and `/a` share the
 * path `/a`; percent-escapes are decoded (a `file:` URI names the decoded file, a bare path the literal one,
 * so a key may only ever make two spellings of one file equal, never tell them apart).
 */
export function fileKey(location: string, schemes: ReadonlyMap<string, string>, authorities: ReadonlyMap<string, string>): FileKey {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(location)
  let scheme = ''
  let rest = location
  if (m && m[1]!.length > 1) {
    // a one-letter "scheme" is a Windows drive, not a scheme
    scheme = m[1]!.toLowerCase()
    rest = m[2]!
  }
  let authority = ''
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2)
    authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash)
    rest = slash < 0 ? '/' : rest.slice(slash)
  }
  let key = dotSegments(decode(rest).replace(/\/{2,}/g, '/'))
  if (key.length > 1 && key.endsWith('/')) key = key.slice(0, -1)
  return { scheme: schemes.get(scheme) ?? scheme, authority: authorities.get(authority) ?? authority, key, location }
}

/** Java's FileURI match: a valid file without a scheme (or authority) matches any; otherwise equal, ignoring case. */
export function componentMatches(valid: string, actual: string): boolean {
  return valid === '' || valid.toLowerCase() === actual.toLowerCase()
}

/**
 * Whether a file listed under `base` is hidden: some folder or file name between `base` and it starts with
 * `_` or `.`, unless it is a partition folder `name=…` of a partition field whose own name starts so. Only
 * names below `base` count (compared as keys, so other spellings of `base` work).
 */
export function isHiddenBelow(base: string, location: string, partitionNames: ReadonlySet<string>): boolean {
  const root = base.endsWith('/') ? base : `${base}/`
  const none = new Map<string, string>()
  const baseKey = fileKey(base, none, none).key
  const key = fileKey(location, none, none).key
  const rel = location.startsWith(root) ? location.slice(root.length) : key.startsWith(`${baseKey}/`) ? key.slice(baseKey.length + 1) : location
  for (const part of rel.split('/')) {
    if (!part.startsWith('_') && !part.startsWith('.')) continue
    const eq = part.indexOf('=')
    if (eq > 0 && partitionNames.has(part.slice(0, eq))) continue
    return true
  }
  return false
}
